package dev.mags.cli.command;

import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import java.io.PrintWriter;

/** The exit code of {@code mags run} for the job as it ended, with a message where one helps. */
public final class JobOutcome {
    static final int TIMED_OUT = 124;
    /** The job failed without an exit code, or mags itself failed. */
    public static final int FAILED = 125;
    static final int INTERRUPTED = 130;

    private JobOutcome() {}

    static int exitCode(JobInfo job, PrintWriter err) {
        String id = job.requestId();
        if (job.status() == JobStatus.ERROR && job.errorMessage() != null && job.errorMessage().startsWith("timed out")) {
            err.println("mags: job " + id + " " + job.errorMessage());
            return TIMED_OUT;
        }
        if (job.exitCode() != null) {
            // A limit the job hit ("out of memory (limit 1 GiB)") is worth a line; the bare exit is not.
            String plain = "script exited with code " + job.exitCode();
            if (job.status() == JobStatus.ERROR && job.errorMessage() != null && !job.errorMessage().equals(plain)) {
                err.println("mags: job " + id + ": " + job.errorMessage());
            }
            return job.exitCode();
        }
        if (job.status() == JobStatus.ERROR) {
            String why = job.errorMessage() == null || job.errorMessage().isBlank() ? "no reason given" : job.errorMessage();
            err.println("mags: job " + id + " failed: " + why);
            return FAILED;
        }
        if (job.status() == JobStatus.COMPLETED) {
            return 0;
        }
        // A persistent job that stays up after its script (sleeping or running).
        err.println("mags: job " + id + " is " + job.status().wireName() + "; see 'mags status " + id + "'");
        return 0;
    }
}
