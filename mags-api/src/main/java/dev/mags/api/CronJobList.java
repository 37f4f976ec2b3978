package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The answer of {@code GET /api/v1/mags-cron}: the caller's cron jobs, oldest first. */
public record CronJobList(@JsonProperty("cron_jobs") List<CronJobInfo> cronJobs) {
    public CronJobList {
        cronJobs = cronJobs == null ? List.of() : List.copyOf(cronJobs);
    }
}
