package dev.mags.controlplane.cron;

import dev.mags.api.CronJobInfo;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.job.JobService;

/** A stored cron job as the API shows it, with the last run's status read from its job. */
final class CronViews {
    private CronViews() {}

    static CronJobInfo info(CronRecord c, JobService jobs) {
        return new CronJobInfo(c.id(), c.name(), c.cronExpression(), c.timezone(), c.script(), c.workspaceId(),
                c.environment(), c.persistent(), c.enabled(), c.createdAt(), c.nextRunAt(), c.lastRunAt(),
                lastStatus(c, jobs), c.lastRequestId(), c.lastError(), c.skippedRuns());
    }

    /**
     * A skip or a failure is what happened last; otherwise the last run's job says how it is going. A job
     * the retention has removed keeps the status recorded when it was submitted.
     */
    private static String lastStatus(CronRecord c, JobService jobs) {
        if (c.lastRequestId() == null || CronJobInfo.SKIPPED.equals(c.lastStatus())
                || CronJobInfo.FAILED.equals(c.lastStatus())) {
            return c.lastStatus();
        }
        try {
            return jobs.statusUnscoped(c.lastRequestId()).status().wireName();
        } catch (NotFoundException e) {
            return c.lastStatus();
        }
    }
}
