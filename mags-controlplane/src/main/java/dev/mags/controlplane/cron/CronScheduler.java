package dev.mags.controlplane.cron;

import dev.mags.api.CronJobInfo;
import dev.mags.api.JobInfo;
import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.error.MagsException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.job.JobService;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the runs of cron jobs: one thread per server that sleeps until the earliest next run and submits
 * each due run as an ordinary job of its owner, named after the cron job. A run whose previous run has not
 * ended is skipped and recorded; times missed while the server was down (or the thread was late) collapse
 * into one run, started at once. {@link #runDue()} is the clock seam: tests call it after moving the clock.
 */
public final class CronScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CronScheduler.class);
    /**
     * The longest sleep, so that cron jobs another server on the same database defines (it cannot wake this
     * one) start at most this late; one server's own changes wake it at once.
     */
    private static final Duration MAX_SLEEP = Duration.ofSeconds(30);

    private final CronStore store;
    private final JobService jobs;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean woken;
    private boolean closed;
    private Thread thread;
    private volatile BooleanSupplier leads = () -> true;
    /** How often a replica that does not lead looks whether it leads now. */
    private static final Duration FOLLOWER_SLEEP = Duration.ofSeconds(1);

    public CronScheduler(CronStore store, JobService jobs, Clock clock) {
        this.store = store;
        this.jobs = jobs;
        this.clock = clock;
    }

    /**
     * Starts the thread; its first pass starts the runs missed while the server was down. It fires only while
     * {@code leads} (one process of a cluster runs cron; the others look again every second).
     */
    public void start(BooleanSupplier leads) {
        this.leads = leads;
        lock.lock();
        try {
            if (thread != null || closed) {
                throw new IllegalStateException("the cron scheduler was started already");
            }
            thread = Thread.ofPlatform().name("mags-cron").daemon().start(this::loop);
        } finally {
            lock.unlock();
        }
    }

    /** A cron job was defined, changed or deleted: recompute the sleep. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            try {
                if (leads.getAsBoolean()) {
                    runDue();
                }
            } catch (RuntimeException e) {
                LOG.error("cron scheduler pass failed; trying again at the next run", e);
            }
            if (!sleepUntilNext()) {
                return;
            }
        }
    }

    /** Sleeps until the earliest next run, a change, or {@link #MAX_SLEEP}; false once closed. */
    private boolean sleepUntilNext() {
        long millis;
        try {
            Optional<Instant> next = store.earliestNextRun();
            millis = next.map(t -> Duration.between(clock.instant(), t).toMillis()).orElse(MAX_SLEEP.toMillis());
        } catch (RuntimeException e) {
            LOG.error("cron scheduler cannot read the next run", e);
            millis = MAX_SLEEP.toMillis();
        }
        millis = Math.min(Math.max(millis, 0), MAX_SLEEP.toMillis());
        if (!leads.getAsBoolean()) {
            millis = Math.max(millis, FOLLOWER_SLEEP.toMillis()); // a due run is the leader's: look again soon
        }
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!woken && !closed && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            woken = false;
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Starts (or skips) every run due by the clock's now; returns how many scheduled times it handled. */
    public int runDue() {
        Instant now = clock.instant();
        int handled = 0;
        for (CronRecord cron : store.due(now)) {
            try {
                if (fire(cron, now)) {
                    handled++;
                }
            } catch (RuntimeException e) {
                LOG.error("cron job {} ({}): run of {} failed", cron.id(), cron.name(), cron.nextRunAt(), e);
            }
        }
        return handled;
    }

    private boolean fire(CronRecord cron, Instant now) {
        Instant scheduled = cron.nextRunAt();
        CronSchedule schedule = CronSchedule.parse(cron.cronExpression(), cron.timezone());
        // From now, not from the scheduled time: the times missed in between make no further runs.
        Instant next = CronService.next(schedule, now.isAfter(scheduled) ? now : scheduled);
        if (!store.claim(cron.id(), scheduled, next)) {
            return false; // disabled, changed or taken by another server since it was read
        }
        Optional<JobInfo> previous = previousRun(cron);
        if (previous.isPresent() && !previous.get().status().isFinal()) {
            String why = "the run of " + scheduled + " was skipped: the run before it (job " + previous.get().requestId()
                    + ") was still " + previous.get().status().wireName();
            store.recordSkip(cron.id(), scheduled, CronJobInfo.SKIPPED, why);
            LOG.info("cron job {} ({}): {}", cron.id(), cron.name(), why);
            return true;
        }
        try {
            String id = jobs.submit(owner(cron), request(cron)).requestId();
            store.recordRun(cron.id(), scheduled, id, JobStatus.PENDING.wireName());
            LOG.info("cron job {} ({}): run of {} is job {}", cron.id(), cron.name(), scheduled, id);
        } catch (MagsException e) {
            store.recordFailure(cron.id(), scheduled, CronJobInfo.FAILED, "the run of " + scheduled + " could not start: "
                    + e.getMessage());
            LOG.warn("cron job {} ({}): run of {} could not start: {}", cron.id(), cron.name(), scheduled, e.getMessage());
        }
        return true;
    }

    private Optional<JobInfo> previousRun(CronRecord cron) {
        if (cron.lastRequestId() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(jobs.statusUnscoped(cron.lastRequestId()));
        } catch (NotFoundException e) {
            return Optional.empty(); // removed by the output retention long after it ended
        }
    }

    /** The cron job's owner, as the job service sees a caller; no token is involved. */
    private static Principal owner(CronRecord cron) {
        return new Principal(cron.userId(), null, false, "cron");
    }

    static JobRequest request(CronRecord cron) {
        return JobRequest.builder(cron.script()).name(cron.name()).workspaceId(cron.workspaceId())
                .persistent(cron.persistent() ? Boolean.TRUE : null)
                .environment(cron.environment().isEmpty() ? null : cron.environment()).build();
    }

    /** Stops the thread; a run being submitted finishes first. */
    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
