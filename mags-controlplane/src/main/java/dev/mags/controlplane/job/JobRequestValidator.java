package dev.mags.controlplane.job;

import dev.mags.api.JobRequest;
import dev.mags.controlplane.error.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Checks a job submission field by field. Fields of the reference API that this server does not
 * implement yet are refused by name rather than silently ignored.
 */
final class JobRequestValidator {
    /** Linux refuses a single argv string longer than MAX_ARG_STRLEN (32 pages). */
    static final int MAX_SCRIPT_BYTES = 128 * 1024 - 1;
    static final int MAX_ENV_ENTRIES = 256;
    static final int MAX_NAME_CHARS = 256;

    private final Duration maxTimeout;

    JobRequestValidator(Duration maxTimeout) {
        this.maxTimeout = maxTimeout;
    }

    void validate(JobRequest r) {
        if (r.script() == null || r.script().isBlank()) {
            throw invalid("script", "'script' is required and must not be blank");
        }
        int scriptBytes = r.script().getBytes(StandardCharsets.UTF_8).length;
        if (scriptBytes > MAX_SCRIPT_BYTES) {
            throw invalid("script", "'script' is " + scriptBytes + " bytes; at most " + MAX_SCRIPT_BYTES
                    + " are allowed (upload larger programs as files)");
        }
        if (r.script().indexOf('\0') >= 0) {
            throw invalid("script", "'script' must not contain NUL characters");
        }
        if (r.type() != null && !JobRequest.TYPE_INLINE.equals(r.type())) {
            throw invalid("type", "'type' must be \"inline\" (got \"" + r.type() + "\")");
        }
        if (r.name() != null && (r.name().isBlank() || r.name().length() > MAX_NAME_CHARS)) {
            throw invalid("name", "'name' must be 1 to " + MAX_NAME_CHARS + " characters");
        }
        if (r.name() != null && r.name().indexOf('\0') >= 0) {
            throw invalid("name", "'name' must not contain NUL characters");
        }
        validateEnvironment(r.environment());
        if (r.timeoutSeconds() != null && (r.timeoutSeconds() < 1 || r.timeoutSeconds() > maxTimeout.toSeconds())) {
            throw invalid("timeout_seconds", "'timeout_seconds' must be between 1 and " + maxTimeout.toSeconds()
                    + " (got " + r.timeoutSeconds() + ")");
        }
        checkFileIds(r);
        if (r.workspaceId() != null) {
            new dev.mags.controlplane.workspace.WorkspaceName(r.workspaceId()); // refuses a bad name
        }
        if (r.baseWorkspaceId() != null) {
            try {
                new dev.mags.controlplane.workspace.WorkspaceName(r.baseWorkspaceId());
            } catch (BadRequestException e) {
                throw invalid("base_workspace_id", "'base_workspace_id' must be the name of one of your workspaces (got \""
                        + r.baseWorkspaceId() + "\")");
            }
        }
        boolean ephemeral = Boolean.TRUE.equals(r.ephemeral());
        boolean persistent = Boolean.TRUE.equals(r.persistent());
        if (ephemeral && (r.workspaceId() != null || persistent || r.baseWorkspaceId() != null)) {
            throw invalid("ephemeral", "'ephemeral' means no workspace and no sync; it cannot be combined with "
                    + "'workspace_id', 'persistent' or 'base_workspace_id'");
        }
        if (Boolean.TRUE.equals(r.noSync()) && r.workspaceId() == null && !persistent) {
            throw invalid("no_sync", "'no_sync' applies to a workspace: set 'workspace_id' or 'persistent' too");
        }
        validateSleepSettings(persistent, Boolean.TRUE.equals(r.noSleep()), r.startupCommand());
        if (r.baseWorkspaceId() != null && r.baseWorkspaceId().equals(r.workspaceId())) {
            throw invalid("base_workspace_id", "a workspace cannot be its own base");
        }
    }

    private static void validateEnvironment(Map<String, String> env) {
        if (env == null) {
            return;
        }
        if (env.size() > MAX_ENV_ENTRIES) {
            throw invalid("environment", "'environment' has " + env.size() + " entries; at most "
                    + MAX_ENV_ENTRIES + " are allowed");
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]{0,255}")) {
                throw invalid("environment", "environment variable name '" + e.getKey()
                        + "' must match [A-Za-z_][A-Za-z0-9_]*");
            }
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
                throw invalid("environment", "environment variable '" + e.getKey()
                        + "' must have a string value without NUL characters");
            }
        }
    }

    /** A persistent job's sandbox settings, at submission and in {@code PATCH /mags-jobs/{id}}. */
    void validateSleepSettings(boolean persistent, boolean noSleep, String startupCommand) {
        if (noSleep && !persistent) {
            throw invalid("no_sleep", "'no_sleep' keeps a persistent sandbox awake; it needs 'persistent' "
                    + "(mags run -p --no-sleep)");
        }
        if (startupCommand == null) {
            return;
        }
        if (!persistent) {
            throw invalid("startup_command", "'startup_command' runs when a persistent sandbox starts again; "
                    + "it needs 'persistent' (mags run -p --startup-command CMD)");
        }
        int bytes = startupCommand.getBytes(StandardCharsets.UTF_8).length;
        if (startupCommand.isBlank() || bytes > MAX_SCRIPT_BYTES || startupCommand.indexOf('\0') >= 0) {
            throw invalid("startup_command", "'startup_command' must be 1 to " + MAX_SCRIPT_BYTES
                    + " bytes of shell without NUL characters (got " + bytes + " bytes)");
        }
    }

    /** The most files one job may ask for. */
    static final int MAX_FILES = 64;

    private static void checkFileIds(JobRequest r) {
        if (r.fileIds() == null) {
            return;
        }
        if (r.fileIds().size() > MAX_FILES) {
            throw invalid("file_ids", "a job takes at most " + MAX_FILES + " files (got " + r.fileIds().size() + ")");
        }
        for (String id : r.fileIds()) {
            if (id == null || id.isBlank() || id.length() > 64) {
                throw invalid("file_ids", "'file_ids' holds the ids POST /api/v1/mags-files answered (got '" + id + "')");
            }
        }
    }

    private static BadRequestException invalid(String field, String message) {
        return new BadRequestException("invalid_field", message);
    }
}
