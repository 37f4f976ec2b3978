package dev.mags.controlplane.state;

import dev.mags.api.JobStatus;
import dev.mags.protocol.v2.SandboxLimits;
import java.time.Instant;
import java.util.Map;

/**
 * A job row of the state store; {@code workspaceId} is the name of its owner's workspace, or null.
 * {@code persistent}: the sandbox stays after the script; {@code noSync}: its workspace is not synced to
 * storage; {@code baseWorkspaceId}/{@code baseSnapshot}: the base it runs on (the snapshot resolved at submit);
 * {@code launchedAt}: when the runner asked the agent to start its script (null until then), so that a job
 * pending with it after a crash is known to have maybe run. {@code noSleep} and {@code startupCommand} are a
 * persistent job's sandbox settings ({@code PATCH /mags-jobs/{id}}): never put it to sleep, and what to start
 * in the background whenever it starts again. {@code outputPending}: its exit is stored and its last output lines
 * are still being stored (see {@code JobStore#finishBeforeOutput}).
 */
public record JobRecord(
        String id,
        String userId,
        String name,
        String script,
        String type,
        String image,
        Map<String, String> environment,
        Integer timeoutSeconds,
        SandboxLimits limits,
        JobStatus status,
        Integer exitCode,
        String errorMessage,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String workspaceId,
        boolean persistent,
        boolean noSync,
        String baseWorkspaceId,
        String baseSnapshot,
        Instant launchedAt,
        boolean noSleep,
        String startupCommand,
        boolean outputPending) {

    public JobRecord {
        environment = Map.copyOf(environment);
        limits = limits == null ? SandboxLimits.DEFAULT : limits;
    }

    /** A job whose output is all stored (or that has none yet). */
    public JobRecord(String id, String userId, String name, String script, String type, String image,
            Map<String, String> environment, Integer timeoutSeconds, SandboxLimits limits, JobStatus status,
            Integer exitCode, String errorMessage, Instant createdAt, Instant startedAt, Instant finishedAt,
            String workspaceId, boolean persistent, boolean noSync, String baseWorkspaceId, String baseSnapshot,
            Instant launchedAt, boolean noSleep, String startupCommand) {
        this(id, userId, name, script, type, image, environment, timeoutSeconds, limits, status, exitCode, errorMessage,
                createdAt, startedAt, finishedAt, workspaceId, persistent, noSync, baseWorkspaceId, baseSnapshot,
                launchedAt, noSleep, startupCommand, false);
    }

    /** A job without sandbox settings. */
    public JobRecord(String id, String userId, String name, String script, String type, String image,
            Map<String, String> environment, Integer timeoutSeconds, SandboxLimits limits, JobStatus status,
            Integer exitCode, String errorMessage, Instant createdAt, Instant startedAt, Instant finishedAt,
            String workspaceId, boolean persistent, boolean noSync, String baseWorkspaceId, String baseSnapshot,
            Instant launchedAt) {
        this(id, userId, name, script, type, image, environment, timeoutSeconds, limits, status, exitCode, errorMessage,
                createdAt, startedAt, finishedAt, workspaceId, persistent, noSync, baseWorkspaceId, baseSnapshot,
                launchedAt, false, null);
    }

    /** A job not launched yet. */
    public JobRecord(String id, String userId, String name, String script, String type, String image,
            Map<String, String> environment, Integer timeoutSeconds, SandboxLimits limits, JobStatus status,
            Integer exitCode, String errorMessage, Instant createdAt, Instant startedAt, Instant finishedAt,
            String workspaceId, boolean persistent, boolean noSync, String baseWorkspaceId, String baseSnapshot) {
        this(id, userId, name, script, type, image, environment, timeoutSeconds, limits, status, exitCode, errorMessage,
                createdAt, startedAt, finishedAt, workspaceId, persistent, noSync, baseWorkspaceId, baseSnapshot, null,
                false, null);
    }

    /** A job without persistence or base. */
    public JobRecord(String id, String userId, String name, String script, String type, String image,
            Map<String, String> environment, Integer timeoutSeconds, SandboxLimits limits, JobStatus status,
            Integer exitCode, String errorMessage, Instant createdAt, Instant startedAt, Instant finishedAt,
            String workspaceId) {
        this(id, userId, name, script, type, image, environment, timeoutSeconds, limits, status, exitCode, errorMessage,
                createdAt, startedAt, finishedAt, workspaceId, false, false, null, null, null, false, null);
    }

    /** This job with other sandbox settings. */
    public JobRecord withSleepSettings(boolean newNoSleep, String newStartupCommand) {
        return new JobRecord(id, userId, name, script, type, image, environment, timeoutSeconds, limits, status, exitCode,
                errorMessage, createdAt, startedAt, finishedAt, workspaceId, persistent, noSync, baseWorkspaceId,
                baseSnapshot, launchedAt, newNoSleep, newStartupCommand, outputPending);
    }
}
