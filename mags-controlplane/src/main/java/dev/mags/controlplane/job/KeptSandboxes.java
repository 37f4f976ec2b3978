package dev.mags.controlplane.job;

import dev.mags.api.JobStatus;
import dev.mags.controlplane.placement.LiveSandboxes;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.JobStore;
import dev.mags.controlplane.workspace.WorkspaceLocks;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandboxes that jobs keep after their script ({@code -p}, {@code mags new}): {@link JobRunner} hands a job over
 * once its script ended and its sandbox stayed, and this waits for that sandbox's end and records it on the job,
 * puts idle ones to sleep (the job {@code sleeping}, its disk kept) and wakes sleeping ones (a new sandbox on the
 * same disk, the startup command started), also on another host when the one it ran on was lost.
 */
final class KeptSandboxes {
    private static final Logger LOG = LoggerFactory.getLogger(KeptSandboxes.class);

    private final Map<String, Execution> executions;
    private final JobStore jobs;
    private final LiveSandboxes live;
    private final JobSandboxes sandboxes;
    private final JobResults results;
    private final SandboxActivity activity;
    private final WorkspaceLocks workspaceLocks;
    private final Duration stopGrace;
    private final BooleanSupplier shuttingDown;

    /** @param executions the runner's jobs in progress, by id; a kept sandbox's job is one of them until it ends */
    KeptSandboxes(Map<String, Execution> executions, JobStore jobs, LiveSandboxes live, JobSandboxes sandboxes,
                  JobResults results, SandboxActivity activity, WorkspaceLocks workspaceLocks, Duration stopGrace,
                  BooleanSupplier shuttingDown) {
        this.executions = executions;
        this.jobs = jobs;
        this.live = live;
        this.sandboxes = sandboxes;
        this.results = results;
        this.activity = activity;
        this.workspaceLocks = workspaceLocks;
        this.stopGrace = stopGrace;
        this.shuttingDown = shuttingDown;
    }

    /**
     * A persistent job whose script has ended stays running while the sandbox it made lives, and ends with it
     * (stopped, or failed); a sandbox ended by magsd's own shutdown leaves the job sleeping.
     */
    void awaitEnd(Execution e) {
        JobSandboxes.Placed kept = e.kept;
        SandboxEnd end = kept.sandbox().ended().join();
        sandboxes.ended(kept.sandbox());
        activity.forget(kept.sandbox().id());
        if (shuttingDown.getAsBoolean() && end.reason() == ExitReason.AGENT_SHUTDOWN) {
            jobs.markSleeping(e.job.id()); // its disk stays: woken on use (always-on ones at the next start)
            return;
        }
        if (end.reason() == ExitReason.AGENT_LOST && !e.stopRequested && e.job.workspaceId() != null
                && e.kept.stored()) {
            // Its host is gone; its workspace is in storage as of the last snapshot: it sleeps like one put to
            // sleep, and an always-on one starts again at once on another host (restored there).
            jobs.markSleeping(e.job.id());
            hostLost(e, end.detail());
            return;
        }
        if (e.sleepRequested && !e.stopRequested && end.reason() == ExitReason.STOPPED) {
            if (end.syncFailure() != null) {
                LOG.warn("job {}: the sync before its sandbox slept failed (its disk stays on this host): {}",
                        e.job.id(), end.syncFailure());
            }
            jobs.markSleeping(e.job.id());
            return;
        }
        results.recordSandboxEnd(e.job.id(), end);
    }

    /**
     * The host of the job's sandbox was lost and the job now sleeps on its workspace's last snapshot: an always-on
     * job starts again at once on another host.
     */
    void hostLost(Execution e, String detail) {
        LOG.warn("job {}: its sandbox's host was lost ({}); the job sleeps until it is used", e.job.id(), detail);
        jobs.findAnyUser(e.job.id()).filter(JobRecord::noSleep).ifPresent(job ->
                Thread.ofVirtual().name("wake-" + job.id()).start(() -> wakeAfterLoss(job, e)));
    }

    /** Starts an always-on job again elsewhere once the execution that watched its lost sandbox is gone. */
    private void wakeAfterLoss(JobRecord job, Execution lost) {
        try {
            lost.thread.join();
            wake(job);
            LOG.info("always-on job {} runs again on another host", job.id());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ex) {
            LOG.warn("always-on job {} could not start again after its host was lost; it sleeps and is woken on use: {}",
                    job.id(), ex.getMessage());
        }
    }

    /**
     * Puts a persistent job's idle sandbox to sleep: synced when its workspace is stored, then stopped; its disk
     * stays and the job becomes {@code sleeping}. Skipped (false) while a job runs or waits in its workspace.
     */
    boolean sleep(String jobId) {
        Execution e = executions.get(jobId);
        JobSandboxes.Placed target = e == null ? null : e.kept != null ? e.kept
                : e.job.persistent() && !e.launching ? e.placed : null;
        if (target == null || shuttingDown.getAsBoolean()) {
            return false;
        }
        String key = JobSandboxes.workspaceKey(e.job);
        if (!workspaceLocks.tryAcquire(key)) {
            return false;
        }
        try {
            e.sleepRequested = true;
            target.sandbox().stop(stopGrace, target.stored()).join();
            e.thread.join(); // it records the sleep
            return true;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            workspaceLocks.release(key);
        }
    }

    /**
     * Wakes a sleeping job: a new sandbox on its workspace's disk, its startup command started in the background,
     * and the job running again. Empty when the job does not sleep (any more) and has no live sandbox.
     *
     * @throws AgentException when no sandbox could be made
     */
    Optional<Sandbox> wake(JobRecord job) {
        String key = JobSandboxes.workspaceKey(job);
        try {
            workspaceLocks.acquire(key);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        try {
            return wakeLocked(job);
        } finally {
            workspaceLocks.release(key);
        }
    }

    /** {@link #wake} with the job's workspace taken by the caller. */
    Optional<Sandbox> wakeLocked(JobRecord stale) {
        JobRecord job = jobs.findAnyUser(stale.id()).orElse(null);
        if (job == null || job.status() != JobStatus.SLEEPING) {
            return job == null || job.workspaceId() == null ? Optional.empty()
                    : live.forWorkspace(dev.mags.protocol.v2.WorkspaceKey.of(JobSandboxes.workspaceKey(job)));
        }
        JobSandboxes.Placed placed = sandboxes.place(job);
        // watched before the job runs again, so that a stop from then on finds the new sandbox to end
        watch(job, placed);
        if (!jobs.markAwake(job.id())) {
            // stopped while its sandbox was being made: that sandbox is no one's (the watcher forgets it)
            LOG.info("job {} was stopped while its sandbox woke up; that sandbox ends", job.id());
            placed.sandbox().stop(Duration.ZERO, false).join();
            return Optional.empty();
        }
        if (job.startupCommand() != null) {
            // started, not waited for: the request that woke the sandbox proceeds at once
            placed.sandbox().exec(ExecSpec.shell(job.startupCommand(), job.environment(), null),
                    (stream, data, offset, length) -> { }, () -> { });
        }
        live.jobDone(job.id());
        activity.touch(placed.sandbox().id());
        LOG.info("job {}: its sandbox woke up", job.id());
        return Optional.of(placed.sandbox());
    }

    /** A thread that waits for a kept sandbox's end and records it on the job. */
    private void watch(JobRecord job, JobSandboxes.Placed placed) {
        Execution e = new Execution(job);
        e.placed = placed;
        e.kept = placed;
        executions.put(job.id(), e);
        e.thread = Thread.ofVirtual().name("job-" + job.id()).unstarted(() -> {
            try {
                awaitEnd(e);
            } catch (RuntimeException ex) {
                LOG.error("job {}: recording its sandbox's end failed", job.id(), ex);
            } finally {
                executions.remove(job.id(), e);
            }
        });
        e.thread.start();
    }

    /**
     * A sleeping job is stopped: it has no sandbox to end, and ends as a stopped one would. False when it no longer
     * sleeps: a wake took it meanwhile, and its new sandbox is to be stopped as a running one.
     */
    boolean endSleeping(String jobId) {
        return results.recordSleepingStopped(jobId);
    }

}
