package dev.mags.controlplane.job;

import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.JobStore;
import dev.mags.controlplane.state.LogStore;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.SandboxEnd;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a job's end is recorded: its final status and message, then its remaining output, then its followers told. */
final class JobResults {
    private static final Logger LOG = LoggerFactory.getLogger(JobResults.class);

    private final JobStore jobs;
    private final LogStore logs;
    private final Clock clock;

    JobResults(JobStore jobs, LogStore logs, Clock clock) {
        this.jobs = jobs;
        this.logs = logs;
        this.clock = clock;
    }

    /** The job's script ended as {@code exit} says. */
    void record(JobOutput out, ExecExit exit, Duration timeout) {
        switch (exit.reason()) {
            case EXITED -> {
                int code = exit.exitCode() == null ? -1 : exit.exitCode();
                if (code == 0) {
                    finish(out, JobStatus.COMPLETED, 0, null);
                } else {
                    finish(out, JobStatus.ERROR, code, "script exited with code " + code);
                }
            }
            case TIMED_OUT -> finish(out, JobStatus.ERROR, null, "timed out after " + timeout.toSeconds() + " s");
            case STOPPED -> finish(out, JobStatus.ERROR, null, "stopped by request");
            case AGENT_SHUTDOWN -> finish(out, JobStatus.ERROR, null, "magsd shut down while the job was running");
            case OUT_OF_MEMORY, DISK_FULL, PIDS_LIMIT -> finish(out, JobStatus.ERROR, exit.exitCode(), exit.detail());
            case FAILED, SANDBOX_ENDED -> finish(out, JobStatus.ERROR, exit.exitCode(), "sandbox failed: " + exit.detail());
            case AGENT_LOST -> finish(out, JobStatus.ERROR, null, "the host running the job stopped answering: "
                    + exit.detail());
        }
    }

    /**
     * A persistent job's script ended by itself and its sandbox stays: the job stays running with the script's
     * exit code (what {@code mags run -p} returns), its output is persisted and its followers told, so that
     * they end here.
     */
    void recordScriptEnd(JobOutput out, ExecExit exit) {
        Integer code = exit.reason() == ExitReason.EXITED ? (exit.exitCode() == null ? -1 : exit.exitCode())
                : exit.exitCode();
        String message = exit.reason() != ExitReason.EXITED ? exit.detail()
                : code != 0 ? "script exited with code " + code : null;
        jobs.recordScriptExit(out.jobId(), code, message);
        persistWithRetry(out);
        out.close(jobs.findAnyUser(out.jobId()).map(JobViews::info).orElseThrow());
    }

    /**
     * A persistent job's sandbox was put to sleep while its script ran (the script that keeps it up, re-run as
     * the startup command on wake): the job sleeps, its output so far is persisted and its followers told.
     */
    void recordSleep(JobOutput out) {
        jobs.markSleeping(out.jobId());
        persistWithRetry(out);
        out.close(jobs.findAnyUser(out.jobId()).map(JobViews::info).orElseThrow());
    }

    /**
     * The sandbox a persistent job kept has ended: the job ends with it, completed when it was stopped (by
     * request, or found idle) after a script that exited with 0, in error otherwise, saying why.
     */
    void recordSandboxEnd(String jobId, SandboxEnd end) {
        JobRecord job = jobs.findAnyUser(jobId).orElse(null);
        if (job == null || job.status().isFinal()) {
            return;
        }
        Integer code = job.exitCode();
        String sync = end.syncFailure() == null ? "" : "; the final sync failed (the files stay on this host; sync "
                + "again when storage is back): " + end.syncFailure();
        boolean stopped = end.reason() == ExitReason.STOPPED || end.reason() == ExitReason.EXITED;
        if (stopped && (code == null || code == 0) && sync.isEmpty()) {
            jobs.finish(jobId, JobStatus.COMPLETED, code, null, clock.instant());
        } else if (stopped) {
            jobs.finish(jobId, JobStatus.ERROR, code, (job.errorMessage() == null ? "its sandbox was stopped"
                    : job.errorMessage() + "; its sandbox was stopped") + sync, clock.instant());
        } else {
            jobs.finish(jobId, JobStatus.ERROR, code, "its sandbox ended: " + end.reason().name().toLowerCase()
                    .replace('_', ' ') + (end.detail() == null || end.detail().isEmpty() ? "" : " (" + end.detail() + ")")
                    + sync, clock.instant());
        }
    }

    /**
     * A sleeping job is stopped: it ends as its sandbox's stop would have ended it (completed after a script that
     * exited with 0 or still ran, else error); false, and nothing changed, when it no longer sleeps.
     */
    boolean recordSleepingStopped(String jobId) {
        JobRecord job = jobs.findAnyUser(jobId).orElse(null);
        if (job == null || job.status() != JobStatus.SLEEPING) {
            return false;
        }
        Integer code = job.exitCode();
        return code == null || code == 0
                ? jobs.finishSleeping(jobId, JobStatus.COMPLETED, code, null, clock.instant())
                : jobs.finishSleeping(jobId, JobStatus.ERROR, code, (job.errorMessage() == null ? "its sandbox was stopped"
                        : job.errorMessage() + "; its sandbox was stopped"), clock.instant());
    }

    /** The job's script ended as {@code exit} says, and its sandbox's final sync as {@code end} says. */
    void recordAfterSync(JobOutput out, ExecExit exit, SandboxEnd end, Duration timeout) {
        record(out, withSyncNote(exit, end), timeout);
    }

    /** A failed final sync is said in the detail (the files stay on the host's disk). */
    private static ExecExit withSyncNote(ExecExit exit, SandboxEnd end) {
        if (end.syncFailure() == null) {
            return exit;
        }
        String note = "the final sync failed (the files stay on this host; sync again when storage is back): "
                + end.syncFailure();
        return new ExecExit(exit.exitCode(), exit.reason(), exit.detail().isEmpty() ? note : exit.detail() + "; " + note);
    }

    /**
     * Records the final status first, as one small write, so that a job that ended is never reported as
     * interrupted by a crash that follows, marked as still storing its output (readers everywhere see it running
     * meanwhile: {@link JobViews}); then persists the remaining output (until then this replica's readers get it
     * from memory), clears the mark, and only then tells the followers, so none of them misses a line before the
     * status.
     */
    void finish(JobOutput out, JobStatus status, Integer exitCode, String message) {
        String id = out.jobId();
        jobs.finishBeforeOutput(id, status, exitCode, message, clock.instant());
        persistWithRetry(out);
        try {
            jobs.outputStored(id);
        } catch (RuntimeException e) {
            // readers elsewhere see the end a few seconds late (JobViews.OUTPUT_PENDING_AT_MOST)
            LOG.warn("cannot mark the output of job {} as stored", id, e);
        }
        JobInfo info = jobs.findAnyUser(id).map(JobViews::info).orElseThrow();
        out.close(info);
    }

    private void persistWithRetry(JobOutput out) {
        for (int attempt = 1; ; attempt++) {
            try {
                out.persist(logs);
                return;
            } catch (RuntimeException ex) {
                if (attempt == 5) {
                    LOG.error("giving up persisting the last output of job {}", out.jobId(), ex);
                    return;
                }
                sleepQuietly(Duration.ofMillis(200L * attempt));
            }
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
