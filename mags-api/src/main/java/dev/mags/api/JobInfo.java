package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A job as {@code GET /mags-jobs/{id}/status} and {@code GET /mags-jobs} show it. Timestamps are
 * ISO-8601 instants; {@code exit_code} is set once the script has exited, {@code error_message}
 * whenever the status is {@code error};
 * {@code workspace_id} names the job's workspace and is absent when it has none; {@code no_sleep} and
 * {@code startup_command} are a persistent job's sandbox settings, absent for other jobs.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobInfo(
        @JsonProperty("request_id") String requestId,
        @JsonProperty("name") String name,
        @JsonProperty("status") JobStatus status,
        @JsonProperty("script") String script,
        @JsonProperty("type") String type,
        @JsonProperty("image") String image,
        @JsonProperty("exit_code") Integer exitCode,
        @JsonProperty("error_message") String errorMessage,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("finished_at") Instant finishedAt,
        @JsonProperty("workspace_id") @JsonInclude(JsonInclude.Include.NON_NULL) String workspaceId,
        @JsonProperty("no_sleep") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean noSleep,
        @JsonProperty("startup_command") @JsonInclude(JsonInclude.Include.NON_NULL) String startupCommand) {

    /** A job without sandbox settings. */
    public JobInfo(String requestId, String name, JobStatus status, String script, String type, String image,
            Integer exitCode, String errorMessage, Instant createdAt, Instant startedAt, Instant finishedAt,
            String workspaceId) {
        this(requestId, name, status, script, type, image, exitCode, errorMessage, createdAt, startedAt, finishedAt,
                workspaceId, null, null);
    }
}
