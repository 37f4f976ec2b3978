package dev.mags.controlplane.cron;

import java.time.Instant;
import java.util.Map;

/**
 * A cron job as stored (table {@code cron_jobs}).
 *
 * @param nextRunAt  null while disabled
 * @param lastStatus what the scheduler recorded at the last scheduled time: the new job's status, or
 *                   {@code skipped} or {@code failed}
 */
public record CronRecord(String id, String userId, String name, String cronExpression, String timezone, String script,
                         String workspaceId, Map<String, String> environment, boolean persistent, boolean enabled,
                         Instant createdAt, Instant nextRunAt, Instant lastRunAt, String lastStatus,
                         String lastRequestId, String lastError, long skippedRuns) {

    public CronRecord {
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    /** The same cron job with its definition changed and its next run recomputed by the caller. */
    CronRecord redefined(String newName, String expression, String zone, String newScript, String workspace,
                         Map<String, String> env, boolean persist, boolean on, Instant next) {
        return new CronRecord(id, userId, newName, expression, zone, newScript, workspace, env, persist, on, createdAt,
                next, lastRunAt, lastStatus, lastRequestId, lastError, skippedRuns);
    }
}
