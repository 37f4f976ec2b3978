package dev.mags.controlplane.job;

import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.JobStore;
import dev.mags.controlplane.state.LogStore;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the {@link OutputPolicy}: deletes finished jobs, with their output, once they are older
 * than the retention; then, while a user's finished jobs keep more output than the per-user cap, or
 * all jobs more than the server's cap, replaces the output of the jobs that ended first by a notice
 * line saying why it is gone; then compacts the database so that its files shrink. Jobs that have not
 * ended are never touched (their output is bounded by the per-job cap).
 */
public final class RetentionReaper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionReaper.class);
    /** Jobs handled per statement: each holds the write lock briefly. */
    private static final int BATCH = 200;

    private final JobStore jobs;
    private final LogStore logs;
    private final Database db;
    private final Clock clock;
    private final OutputPolicy policy;
    private ScheduledExecutorService timer;
    private volatile boolean closing;
    private volatile BooleanSupplier leads = () -> true;

    public RetentionReaper(JobStore jobs, LogStore logs, Database db, Clock clock, OutputPolicy policy) {
        this.jobs = jobs;
        this.logs = logs;
        this.db = db;
        this.clock = clock;
        this.policy = policy;
    }

    /** Reaps now and then every {@code checkInterval}, while {@code leads} (one process of a cluster reaps). */
    public synchronized void start(BooleanSupplier leads) {
        this.leads = leads;
        long period = policy.checkInterval().toMillis();
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("retention-reaper").daemon().factory());
        timer.scheduleWithFixedDelay(this::reapQuietly, 0, period, TimeUnit.MILLISECONDS);
    }

    private void reapQuietly() {
        if (!leads.getAsBoolean()) {
            return;
        }
        try {
            reap();
        } catch (RuntimeException e) {
            LOG.warn("enforcing the output retention failed; trying again in {}", policy.checkInterval(), e);
        }
    }

    /** What one pass removed. */
    public record Result(int jobsDeleted, int outputsRemoved, long bytesRemoved, long fileBytesFreed) {}

    /** One pass over the limits. */
    public synchronized Result reap() {
        int deleted = deleteExpiredJobs();
        Trimmed trimmed = new Trimmed(0, 0);
        // Both limits from one snapshot: output stored between two reads would otherwise be charged to the server's
        // limit while the user's looked met, and the notice would give the wrong reason.
        JobStore.KeptOutputTotals kept = jobs.keptOutputTotals(policy.maxBytesPerUser());
        for (Map.Entry<String, Long> user : kept.usersOver().entrySet()) {
            trimmed = trimmed.plus(trim(user.getKey(), user.getValue() - policy.maxBytesPerUser(),
                    "this user's jobs keep more than " + JobOutput.size(policy.maxBytesPerUser()) + " of output"));
        }
        long over = kept.total() - trimmed.bytes() - policy.maxBytesTotal();
        if (over > 0) {
            trimmed = trimmed.plus(trim(null, over, "the server keeps more than " + JobOutput.size(policy.maxBytesTotal())
                    + " of job output"));
        }
        int removed = trimmed.jobs();
        long bytes = trimmed.bytes();
        long freed = deleted + removed > 0 ? db.compact() : 0;
        if (deleted + removed > 0) {
            LOG.info("retention: deleted {} jobs older than {}, removed the output of {} jobs ({} bytes); "
                    + "the database file shrank by {} bytes", deleted, human(policy.jobRetention()), removed, bytes, freed);
        }
        return new Result(deleted, removed, bytes, freed);
    }

    private static String human(Duration d) {
        return d.toSeconds() % 86_400 == 0 ? d.toDays() + " days" : d.toSeconds() + " s";
    }

    private int deleteExpiredJobs() {
        Instant cutoff = clock.instant().minus(policy.jobRetention());
        int deleted = 0;
        List<String> ids;
        while (!closing && !(ids = jobs.finishedBefore(cutoff, BATCH)).isEmpty()) {
            logs.delete(ids);
            jobs.deleteFinished(ids);
            deleted += ids.size();
        }
        return deleted;
    }

    private record Trimmed(int jobs, long bytes) {
        Trimmed plus(Trimmed o) {
            return new Trimmed(jobs + o.jobs, bytes + o.bytes);
        }
    }

    /** Removes the output of the jobs (of one user, or of all) that ended first until {@code excess} is gone. */
    private Trimmed trim(String userId, long excess, String reason) {
        int removedJobs = 0;
        long removedBytes = 0;
        String notice = "output removed on " + clock.instant().truncatedTo(ChronoUnit.SECONDS) + " by the server's "
                + "retention: " + reason + ", and the output of the jobs that ended first goes first";
        while (!closing && removedBytes < excess) {
            List<JobStore.KeptOutput> oldest = jobs.oldestKeptOutput(userId, BATCH);
            if (oldest.isEmpty()) {
                break;
            }
            for (JobStore.KeptOutput k : oldest) {
                if (removedBytes >= excess) {
                    break;
                }
                removedBytes += logs.replaceWithNotice(k.jobId(), notice, clock.instant());
                removedJobs++;
            }
        }
        return new Trimmed(removedJobs, removedBytes);
    }

    /** Stops the timer; a pass under way ends after its current step. */
    @Override
    public void close() {
        closing = true;
        synchronized (this) {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }
}
