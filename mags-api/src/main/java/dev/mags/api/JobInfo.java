package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A job as {@code GET /mags-jobs/{id}/status} and {@code GET /mags-jobs} show it. Timestamps are
 * ISO-8601 instants; {@code exit_code} is set once the script has exited, {@code error_message}
 * whenever the status is {@code error};
 * {@code workspace_id} names the job's workspace and is absent when it has none.
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
        @JsonProperty("workspace_id") @JsonInclude(JsonInclude.Include.NON_NULL) String workspaceId) {}
