package dev.mags.sdk;

import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import java.util.List;
import java.util.stream.Collectors;

/** What {@link Mags#runAndWait} returns: the job as it ended and every line it produced. */
public record JobResult(JobInfo job, List<LogEntry> logs) {

    public JobResult {
        logs = List.copyOf(logs);
    }

    public String requestId() {
        return job.requestId();
    }

    /** The script's exit code, or {@code null} when it never exited (e.g. it could not start). */
    public Integer exitCode() {
        return job.exitCode();
    }

    /** True when the job completed and the script exited with 0. */
    public boolean succeeded() {
        return job.status() == JobStatus.COMPLETED && (job.exitCode() == null || job.exitCode() == 0);
    }

    /** The script's standard output, one line per log entry, joined with {@code \n}. */
    public String stdout() {
        return joined(LogSource.STDOUT);
    }

    /** The script's standard error, one line per log entry, joined with {@code \n}. */
    public String stderr() {
        return joined(LogSource.STDERR);
    }

    private String joined(LogSource source) {
        return logs.stream()
                .filter(e -> e.source() == source)
                .map(LogEntry::message)
                .collect(Collectors.joining("\n"));
    }
}
