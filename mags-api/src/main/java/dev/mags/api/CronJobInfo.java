package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * A cron job as {@code /api/v1/mags-cron} shows it. Each run is an ordinary job named after the cron job.
 *
 * @param nextRunAt     the next scheduled time; null while disabled
 * @param lastRunAt     the scheduled time of the last run (or skipped run); null before the first
 * @param lastStatus    the last run's job status ({@code pending}, {@code running}, {@code completed},
 *                      {@code error}), {@code skipped} when the last scheduled time came while the run before
 *                      it was still going, or {@code failed} when the server could not start the run
 *                      ({@code last_error} says why)
 * @param lastRequestId the job id of the last run that started
 * @param skippedRuns   how many scheduled times were skipped because the run before was still going
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CronJobInfo(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("cron_expression") String cronExpression,
        @JsonProperty("timezone") String timezone,
        @JsonProperty("script") String script,
        @JsonProperty("workspace_id") String workspaceId,
        @JsonProperty("environment") Map<String, String> environment,
        @JsonProperty("persistent") boolean persistent,
        @JsonProperty("enabled") boolean enabled,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("next_run_at") Instant nextRunAt,
        @JsonProperty("last_run_at") Instant lastRunAt,
        @JsonProperty("last_status") String lastStatus,
        @JsonProperty("last_request_id") String lastRequestId,
        @JsonProperty("last_error") String lastError,
        @JsonProperty("skipped_runs") long skippedRuns) {

    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";
}
