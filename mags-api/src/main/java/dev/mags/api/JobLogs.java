package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Answer of {@code GET /mags-jobs/{id}/logs}. */
public record JobLogs(
        @JsonProperty("request_id") String requestId,
        @JsonProperty("status") JobStatus status,
        @JsonProperty("logs") List<LogEntry> logs) {}
