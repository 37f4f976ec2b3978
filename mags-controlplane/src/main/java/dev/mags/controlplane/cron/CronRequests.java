package dev.mags.controlplane.cron;

import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.workspace.WorkspaceName;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Checks the fields of a cron job when it is defined, so that a mistake is a 400 now rather than a failed
 * run at night. The job service checks each run's request again when it is submitted.
 */
final class CronRequests {
    static final int MAX_NAME_CHARS = 256;
    /** As a job's script: Linux refuses a single argv string longer than MAX_ARG_STRLEN (32 pages). */
    static final int MAX_SCRIPT_BYTES = 128 * 1024 - 1;
    static final int MAX_ENV_ENTRIES = 256;

    private CronRequests() {}

    static String name(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_CHARS
                || name.codePoints().anyMatch(Character::isISOControl)) {
            throw invalid("'name' is required: 1 to " + MAX_NAME_CHARS + " characters without control characters");
        }
        return name.strip();
    }

    static String script(String script) {
        if (script == null || script.isBlank()) {
            throw invalid("'script' is required and must not be blank");
        }
        int bytes = script.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SCRIPT_BYTES) {
            throw invalid("'script' is " + bytes + " bytes; at most " + MAX_SCRIPT_BYTES + " are allowed");
        }
        if (script.indexOf('\0') >= 0) {
            throw invalid("'script' must not contain NUL characters");
        }
        return script;
    }

    static String workspace(String workspace, boolean persistent) {
        if (workspace == null) {
            if (persistent) {
                throw invalid("'persistent' needs a workspace to keep: set 'workspace_id' (mags cron add -w NAME -p)");
            }
            return null;
        }
        return new WorkspaceName(workspace).value();
    }

    static Map<String, String> environment(Map<String, String> env) {
        if (env == null) {
            return Map.of();
        }
        if (env.size() > MAX_ENV_ENTRIES) {
            throw invalid("'environment' has " + env.size() + " entries; at most " + MAX_ENV_ENTRIES + " are allowed");
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]{0,255}")) {
                throw invalid("environment variable name '" + e.getKey() + "' must match [A-Za-z_][A-Za-z0-9_]*");
            }
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
                throw invalid("environment variable '" + e.getKey() + "' must have a string value without NUL characters");
            }
        }
        return env;
    }

    private static BadRequestException invalid(String message) {
        return new BadRequestException("invalid_field", message);
    }
}
