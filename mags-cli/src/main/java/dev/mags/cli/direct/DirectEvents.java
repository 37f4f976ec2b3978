package dev.mags.cli.direct;

import dev.mags.api.ApiPaths;
import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import dev.mags.api.StreamEvent;
import dev.mags.cli.command.JobFollow;
import dev.mags.cli.json.TinyJson;
import dev.mags.sdk.Mags;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Follows a job's live output ({@code GET /mags-jobs/{id}/events}, server-sent events) over
 * {@link PlainHttp}. Anything unexpected (another status, a chunked stream, a dropped or silent
 * connection, an event it cannot read) hands the rest over to the SDK's follower, which resumes
 * after the last line delivered here, reconnects, and reports failures in its usual words.
 */
final class DirectEvents implements JobFollow.Source {
    /** The server sends a keep-alive comment every 15 s; four missed ones mean the stream is gone. */
    private static final int IDLE_MILLIS = 60_000;

    private final PlainHttp http;
    private final Supplier<Mags> sdk;

    DirectEvents(PlainHttp http, Supplier<Mags> sdk) {
        this.http = http;
        this.sdk = sdk;
    }

    @Override
    public JobInfo follow(String id, Consumer<LogEntry> onLine) {
        long[] lastSeq = {0};
        if (id.matches("[A-Za-z0-9._-]{1,200}") && !id.equals(".") && !id.equals("..")) {
            try {
                JobInfo end = stream(id, onLine, lastSeq);
                if (end != null) {
                    return end;
                }
            } catch (IOException | RuntimeException e) {
                // unreadable or broken: handed over below
            }
        }
        try (Mags mags = sdk.get()) {
            return mags.follow(id, lastSeq[0], onLine);
        }
    }

    /** The job at its final status, or {@code null} when the stream ended or could not be used. */
    private JobInfo stream(String id, Consumer<LogEntry> onLine, long[] lastSeq) throws IOException {
        Socket socket = http.connect();
        try (PlainHttp.Response response = http.exchange(socket, "GET", ApiPaths.job(id, "events") + "?after=0",
                null, "text/event-stream", Map.of("Cache-Control", "no-cache"))) {
            if (response.status() != 200) {
                return null;
            }
            socket.setSoTimeout(IDLE_MILLIS);
            InputStream in = response.stream();
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = PlainHttp.readLine(in)) != null) {
                if (line.isEmpty()) {
                    if (event != null && !data.isEmpty()) {
                        JobInfo end = dispatch(event, data.toString(), onLine, lastSeq);
                        if (end != null) {
                            return end;
                        }
                    }
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = value(line, 6);
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(value(line, 5));
                }
                // "id:" repeats the seq of the log event; ":" lines are keep-alive comments.
            }
            return null;
        }
    }

    private static String value(String line, int from) {
        return line.startsWith(" ", from) ? line.substring(from + 1) : line.substring(from);
    }

    private static JobInfo dispatch(String event, String data, Consumer<LogEntry> onLine, long[] lastSeq) {
        Map<String, Object> json = TinyJson.parseObject(data);
        switch (event) {
            case StreamEvent.LOG -> {
                LogEntry entry = new LogEntry(((Number) json.get("seq")).longValue(), instant(json, "timestamp"),
                        json.get("source") == null ? null : LogSource.fromWire((String) json.get("source")),
                        (String) json.get("message"));
                if (entry.seq() > lastSeq[0]) {
                    lastSeq[0] = entry.seq();
                    onLine.accept(entry);
                }
                return null;
            }
            case StreamEvent.STATUS -> {
                JobInfo job = job(json);
                // a final status, or a persistent job running on after its script, with the script's exit code
                return job.status() != null && (job.status().isFinal()
                        || job.status() == JobStatus.RUNNING && job.exitCode() != null) ? job : null;
            }
            default -> {
                return null;
            }
        }
    }

    private static JobInfo job(Map<String, Object> json) {
        Object exit = json.get("exit_code");
        return new JobInfo((String) json.get("request_id"), (String) json.get("name"),
                json.get("status") == null ? null : JobStatus.fromWire((String) json.get("status")),
                (String) json.get("script"), (String) json.get("type"), (String) json.get("image"),
                exit == null ? null : Math.toIntExact(((Number) exit).longValue()), (String) json.get("error_message"),
                instant(json, "created_at"), instant(json, "started_at"), instant(json, "finished_at"),
                (String) json.get("workspace_id"));
    }

    private static Instant instant(Map<String, Object> json, String key) {
        Object value = json.get(key);
        return value == null ? null : Instant.parse((String) value);
    }
}
