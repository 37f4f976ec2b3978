package dev.mags.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mags.api.ApiError;
import dev.mags.api.JobAccepted;
import dev.mags.api.JobInfo;
import dev.mags.api.JobLogs;
import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents of {@link QuickRun} (a job request, its acceptance, a job, log lines, an error) as
 * {@link JsonTree} reads and writes them, bound to the API's records by their wire names here (the records'
 * annotations are for data binding). Read as {@link DatabindJson} reads them (unknown fields ignored,
 * absent ones null); another type is a programming error.
 */
final class LeanJson implements WireJson {
    @Override
    public <T> T read(String text, Class<T> type) throws JsonProcessingException {
        Map<String, Object> root = JsonTree.readObject(text);
        if (root == null) {
            return null;
        }
        try {
            return type.cast(bind(root, type));
        } catch (ClassCastException | IllegalArgumentException | DateTimeException | ArithmeticException e) {
            throw new JsonTree.Unreadable("cannot read " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static Object bind(Map<String, Object> json, Class<?> type) {
        if (type == JobInfo.class) {
            return job(json);
        }
        if (type == LogEntry.class) {
            return logEntry(json);
        }
        if (type == JobAccepted.class) {
            return new JobAccepted(text(json, "request_id"), text(json, "status"));
        }
        if (type == JobLogs.class) {
            List<LogEntry> lines = null;
            if (json.get("logs") instanceof List<?> list) {
                lines = new ArrayList<>(list.size());
                for (Object line : list) {
                    lines.add(line == null ? null : logEntry(object(line)));
                }
            } else if (json.get("logs") != null) {
                throw new IllegalArgumentException("'logs' is not a list");
            }
            return new JobLogs(text(json, "request_id"), status(json), lines);
        }
        if (type == ApiError.class) {
            Object detail = json.get("error");
            Map<String, Object> error = detail == null ? null : object(detail);
            return new ApiError(error == null ? null : new ApiError.Detail(text(error, "code"), text(error, "message")));
        }
        throw new IllegalStateException(type.getName() + " is not one of the quick path's documents");
    }

    private static JobInfo job(Map<String, Object> json) {
        Number exit = number(json, "exit_code");
        Object noSleep = json.get("no_sleep");
        return new JobInfo(text(json, "request_id"), text(json, "name"), status(json), text(json, "script"),
                text(json, "type"), text(json, "image"), exit == null ? null : Math.toIntExact(exit.longValue()),
                text(json, "error_message"), instant(json, "created_at"), instant(json, "started_at"),
                instant(json, "finished_at"), text(json, "workspace_id"), (Boolean) noSleep,
                text(json, "startup_command"));
    }

    private static LogEntry logEntry(Map<String, Object> json) {
        Number seq = number(json, "seq");
        String source = text(json, "source");
        return new LogEntry(seq == null ? 0 : seq.longValue(), instant(json, "timestamp"),
                source == null ? null : LogSource.fromWire(source), text(json, "message"));
    }

    private static JobStatus status(Map<String, Object> json) {
        String status = text(json, "status");
        return status == null ? null : JobStatus.fromWire(status);
    }

    private static String text(Map<String, Object> json, String key) {
        Object value = json.get(key);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("'" + key + "' is not a string");
        }
        return (String) value;
    }

    private static Number number(Map<String, Object> json, String key) {
        Object value = json.get(key);
        if (value != null && !(value instanceof Integer || value instanceof Long)) {
            throw new IllegalArgumentException("'" + key + "' is not an integer");
        }
        return (Number) value;
    }

    private static Instant instant(Map<String, Object> json, String key) {
        String value = text(json, key);
        return value == null ? null : Instant.parse(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("expected an object");
        }
        return (Map<String, Object>) map;
    }

    @Override
    public byte[] write(Object value) throws JsonProcessingException {
        if (!(value instanceof JobRequest r)) {
            throw new IllegalStateException(value.getClass().getName() + " is not one of the quick path's documents");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "script", r.script());
        put(json, "type", r.type());
        put(json, "name", r.name());
        put(json, "workspace_id", r.workspaceId());
        put(json, "base_workspace_id", r.baseWorkspaceId());
        put(json, "persistent", r.persistent());
        put(json, "no_sleep", r.noSleep());
        put(json, "no_sync", r.noSync());
        put(json, "ephemeral", r.ephemeral());
        put(json, "startup_command", r.startupCommand());
        put(json, "environment", r.environment());
        put(json, "file_ids", r.fileIds());
        put(json, "disk_gb", r.diskGb());
        put(json, "timeout_seconds", r.timeoutSeconds());
        put(json, "memory_mb", r.memoryMb());
        put(json, "cpus", r.cpus());
        return JsonTree.write(json, false);
    }

    private static void put(Map<String, Object> json, String key, Object value) {
        if (value != null) {
            json.put(key, value);
        }
    }
}
