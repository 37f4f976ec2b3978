package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.LocalDate;
import java.util.List;

/**
 * The answer of {@code GET /mags-usage?window_days=N}: what the caller used over the last N days (UTC), in total
 * and per day. {@code total_jobs} and {@code vm_seconds} are the reference's fields.
 *
 * @param totalJobs jobs submitted in the window
 * @param vmSeconds time jobs ran (start to end, or to now), within the window
 * @param sandboxHours life of the sandboxes that ended in the window
 * @param cpuSeconds CPU time those sandboxes' processes used, as their cgroups counted it
 * @param memoryGibHours memory those sandboxes reserved (their limit) times their life, GiB-hours
 * @param memoryPeakBytes the most memory one of them held at once
 * @param storage what the caller keeps now
 */
public record Usage(
        @JsonProperty("window_days") int windowDays,
        @JsonProperty("total_jobs") long totalJobs,
        @JsonProperty("vm_seconds") double vmSeconds,
        @JsonProperty("sandbox_hours") double sandboxHours,
        @JsonProperty("cpu_seconds") double cpuSeconds,
        @JsonProperty("memory_gib_hours") double memoryGibHours,
        @JsonProperty("memory_peak_bytes") long memoryPeakBytes,
        @JsonProperty("storage") Storage storage,
        @JsonProperty("days") List<Day> days) {

    /** One UTC day: jobs submitted that day, job time within it, and the sandboxes that ended on it. */
    public record Day(
            @JsonProperty("date") LocalDate date,
            @JsonProperty("jobs") long jobs,
            @JsonProperty("vm_seconds") double vmSeconds,
            @JsonProperty("sandbox_hours") double sandboxHours,
            @JsonProperty("cpu_seconds") double cpuSeconds,
            @JsonProperty("memory_gib_hours") double memoryGibHours) {}

    /**
     * Bytes kept now: uploaded files, and the workspaces in storage (each one's latest snapshot, before the
     * deduplication of chunks that snapshots share).
     */
    public record Storage(
            @JsonProperty("files_bytes") long filesBytes,
            @JsonProperty("workspaces_bytes") long workspacesBytes) {}
}
