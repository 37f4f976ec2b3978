package dev.mags.controlplane.job;

import dev.mags.api.JobStatus;
import dev.mags.controlplane.placement.AgentDirectory;
import dev.mags.controlplane.placement.LiveSandboxes;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.JobStore;
import dev.mags.controlplane.state.LogStore;
import dev.mags.controlplane.state.WorkspaceStore;
import dev.mags.controlplane.usage.SandboxUsageRecorder;
import dev.mags.controlplane.workspace.WorkspaceLocks;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxState;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs accepted jobs, one virtual thread per job, at most {@code maxConcurrent} sandboxes at a time, and records
 * each job's way through pending, running and a final status. A job is a sandbox and one process in it,
 * {@code sh -c SCRIPT}: the sandbox is made (or, for a job in a workspace whose {@code -p} sandbox stays up, taken),
 * the script started in it, its result recorded when it ends, and the sandbox stopped after that (with the final
 * sync of a stored workspace first), unless it stays for its workspace. A job with a workspace first waits,
 * pending, until no other job runs in that workspace. A persistent job whose sandbox stays is running until that
 * sandbox ends: its script's exit code is recorded (and its followers told) when the script ends; the slot and
 * the workspace are let go then, so that later jobs in the workspace run in the same sandbox, and
 * {@link KeptSandboxes} waits for that sandbox's end, puts it to sleep and wakes it.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    /** How a script may end and leave its {@code -p} sandbox up: by itself, a limit included. */
    private static final Set<ExitReason> KEEPS_SANDBOX = EnumSet.of(ExitReason.EXITED, ExitReason.OUT_OF_MEMORY,
            ExitReason.DISK_FULL, ExitReason.PIDS_LIMIT);
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;

    private final JobStore jobs;
    private final OutputRegistry outputs;
    private final Clock clock;
    private final Semaphore slots;
    private final Duration stopGrace;
    private final Duration maxTimeout;
    private final WorkspaceStore workspaces;
    private final WorkspaceLocks workspaceLocks;
    private final LiveSandboxes live;
    private final JobSandboxes sandboxes;
    private final JobResults results;
    private final SandboxActivity activity;
    private final JobFiles files;
    private final ConcurrentHashMap<String, Execution> executions = new ConcurrentHashMap<>();
    private final KeptSandboxes keptSandboxes;
    private volatile boolean shuttingDown;

    public JobRunner(AgentDirectory agents, LiveSandboxes live, JobStore jobs, LogStore logs, OutputRegistry outputs,
            Clock clock, int maxConcurrent, Duration stopGrace, Duration maxTimeout, WorkspaceStore workspaces,
            WorkspaceLocks workspaceLocks, SandboxActivity activity, JobFiles files, SandboxUsageRecorder usage) {
        this.activity = activity;
        this.files = files;
        this.workspaces = workspaces;
        this.workspaceLocks = workspaceLocks;
        this.live = live;
        this.sandboxes = new JobSandboxes(agents, live, workspaces, usage);
        this.results = new JobResults(jobs, logs, clock);
        this.jobs = jobs;
        this.outputs = outputs;
        this.clock = clock;
        this.slots = new Semaphore(maxConcurrent, true);
        this.stopGrace = stopGrace;
        this.maxTimeout = maxTimeout;
        this.keptSandboxes = new KeptSandboxes(executions, jobs, live, sandboxes, results, activity, workspaceLocks, stopGrace,
                () -> shuttingDown);
    }

    /** Starts working on a job that is stored as pending. */
    public void enqueue(JobRecord job) {
        outputs.open(job.id());
        Execution e = new Execution(job);
        executions.put(job.id(), e);
        e.thread = Thread.ofVirtual().name("job-" + job.id()).unstarted(() -> run(e));
        e.thread.start();
    }

    /**
     * Asks a job to stop (its sandbox ends, a stored workspace synced; a job that runs in another job's sandbox ends
     * alone); harmless when it has already ended.
     */
    public void stop(String jobId) {
        Execution e = executions.get(jobId);
        if (e == null) {
            // In a cluster another replica may run it: its own sandbox ends here, that replica records the end.
            live.forJob(jobId).filter(s -> s.id().value().equals(jobId)).ifPresent(s -> s.stop(stopGrace, false));
            return;
        }
        e.stopRequested = true;
        JobSandboxes.Placed placed = e.placed;
        if (e.launching) {
            return; // its sandbox is being made or its script started: execute() stops it once it runs
        }
        if (placed != null) {
            stopRunning(e, placed);
        } else {
            e.thread.interrupt(); // waiting for a slot or its workspace
        }
    }

    /**
     * Whether the job runs as an exec in a sandbox that another job made and keeps (its workspace's): stopping it
     * ends that exec alone.
     */
    public boolean runsInAnothersSandbox(String jobId) {
        Execution e = executions.get(jobId);
        JobSandboxes.Placed placed = e == null ? null : e.placed;
        return placed != null && placed.reused();
    }

    /** A job's own sandbox is stopped; a job in another's gets SIGTERM, then SIGKILL after the grace. */
    private void stopRunning(Execution e, JobSandboxes.Placed placed) {
        Exec exec = e.exec;
        if (!placed.reused() || exec == null) {
            placed.sandbox().stop(stopGrace, placed.stored());
            return;
        }
        exec.signal(SIGTERM);
        java.util.concurrent.CompletableFuture.delayedExecutor(stopGrace.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!exec.exit().isDone()) {
                exec.signal(SIGKILL);
            }
        });
    }

    /** Waits, at most {@code max}, until the job has recorded its final status. */
    public void awaitEnd(String jobId, Duration max) {
        Execution e = executions.get(jobId);
        if (e == null || e.thread == null) {
            return;
        }
        try {
            e.thread.join(max);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    public int running() {
        return executions.size();
    }

    private void run(Execution e) {
        String id = e.job.id();
        JobOutput out = outputs.open(id);
        boolean slotTaken = false;
        try {
            try {
                if (e.job.workspaceId() != null) {
                    String key = JobSandboxes.workspaceKey(e.job);
                    workspaceLocks.acquire(key);
                    e.workspaceLock.set(key);
                }
                slots.acquire();
                slotTaken = true;
            } catch (InterruptedException ie) {
                if (!e.stopRequested) {
                    return; // shutting down: the job stays pending and is picked up after a restart
                }
            }
            if (e.stopRequested) {
                results.finish(out, JobStatus.ERROR, null, "stopped before it started");
                return;
            }
            if (shuttingDown) {
                return;
            }
            execute(e, out);
            if (e.kept != null) {
                // the job now is its sandbox: it waits for it without holding a slot or its workspace
                slots.release();
                slotTaken = false;
                releaseWorkspace(e);
                outputs.remove(id);
                keptSandboxes.awaitEnd(e);
            }
        } catch (RuntimeException ex) {
            LOG.error("job {} failed inside mags", id, ex);
            try {
                results.finish(out, JobStatus.ERROR, null, "internal error in mags: " + ex.getMessage());
            } catch (RuntimeException again) {
                LOG.error("could not record the failure of job {}", id, again);
            }
        } finally {
            if (slotTaken) {
                slots.release();
            }
            releaseWorkspace(e);
            executions.remove(id, e);
            outputs.remove(id);
        }
    }

    private void execute(Execution e, JobOutput out) {
        JobRecord job = e.job;
        Duration timeout = job.timeoutSeconds() == null ? maxTimeout : Duration.ofSeconds(job.timeoutSeconds());
        if (job.workspaceId() != null) {
            touchWorkspace(job);
        }
        if (job.workspaceId() != null) {
            // a job in a workspace whose sandbox sleeps runs in it once it is awake (the workspace is ours now)
            jobs.sleepingInWorkspace(job.userId(), job.workspaceId()).ifPresent(keptSandboxes::wakeLocked);
        }
        OutputLines lines = new OutputLines(out);
        ExecSpec script = ExecSpec.shell(job.script(), job.environment(), timeout);
        e.launching = true;
        Exec exec;
        try {
            exec = start(e, script, lines);
            e.exec = exec;
        } catch (AgentException ex) {
            results.finish(out, JobStatus.ERROR, null, "could not start the sandbox: " + ex.getMessage());
            return;
        } catch (JobFiles.PlacementException ex) {
            results.finish(out, JobStatus.ERROR, null, ex.getMessage());
            return;
        } finally {
            e.launching = false;
        }
        JobSandboxes.Placed placed = e.placed;
        jobs.markRunning(job.id(), clock.instant());
        if (job.persistent() && !placed.reused() && placed.workspace() != null) {
            // the workspace's sandbox runs and is known (LiveSandboxes): later jobs there are execs in it, at once
            releaseWorkspace(e);
        }
        if (e.stopRequested) {
            stopRunning(e, placed);
        }
        ExecExit exit = exec.exit().join();
        lines.finish();
        end(e, out, exit, timeout);
        if (job.workspaceId() != null) {
            touchWorkspace(job);
        }
    }

    /**
     * The job's sandbox, its files placed and its script started in it (the gate records the launch right before). A sandbox that
     * ended before the script could start (a pool member whose init died, a kept sandbox gone) is replaced once.
     */
    private Exec start(Execution e, ExecSpec script, OutputLines lines) {
        for (int attempt = 1; ; attempt++) {
            e.placed = sandboxes.place(e.job);
            try {
                files.place(e.job.id(), e.job.userId(), e.placed.sandbox());
                return e.placed.sandbox().exec(script, lines, () -> recordLaunch(e));
            } catch (RuntimeException ex) {
                JobSandboxes.Placed placed = e.placed;
                e.placed = null;
                if (!placed.reused() || placed.sandbox().state() != SandboxState.RUNNING) {
                    placed.sandbox().stop(Duration.ZERO, false).join(); // nothing of the job ran in it
                    sandboxes.ended(placed.sandbox());
                }
                live.jobDone(e.job.id());
                if (!(ex instanceof AgentException ae) || ae.code() != AgentErrorCode.NOT_FOUND || attempt > 1
                        || e.stopRequested) {
                    throw ex;
                }
                LOG.info("job {}: its sandbox ended before the script started; starting another", e.job.id());
            }
        }
    }

    /**
     * The script has ended: its sandbox stays for its workspace ({@code -p}, and it ended by itself), or is stopped.
     * The result is recorded at once, and the release follows off the client's path (the slot and the workspace
     * stay taken until then); only the final sync of a stored workspace comes first, as part of the result.
     */
    private void end(Execution e, JobOutput out, ExecExit exit, Duration timeout) {
        JobSandboxes.Placed placed = e.placed;
        if (placed.reused()) {
            // it ran as an exec in the sandbox its workspace's persistent job keeps: however it ended (stopped, timed
            // out, failed), that sandbox stays its owner's, whose thread records the sandbox's end
            live.jobDone(e.job.id());
            if (e.stopRequested && exit.reason() == ExitReason.EXITED) {
                results.finish(out, JobStatus.ERROR, null, "stopped by request");
            } else {
                results.record(out, exit, timeout);
            }
            return;
        }
        if (shuttingDown && e.job.persistent() && placed.workspace() != null
                && exit.reason() == ExitReason.AGENT_SHUTDOWN) {
            // magsd stops: the job sleeps on its disk and is woken on use (always-on ones at the next start)
            live.jobDone(e.job.id());
            sandboxes.ended(placed.sandbox());
            activity.forget(placed.sandbox().id());
            results.recordSleep(out);
            return;
        }
        if (exit.reason() == ExitReason.AGENT_LOST && e.job.persistent() && placed.workspace() != null
                && placed.stored() && !e.stopRequested) {
            // its sandbox's host is gone (a `mags new` job's script keeps the sandbox up): the job sleeps on its
            // workspace's last snapshot, and an always-on one starts again on another host
            live.jobDone(e.job.id());
            sandboxes.ended(placed.sandbox());
            activity.forget(placed.sandbox().id());
            results.recordSleep(out);
            keptSandboxes.hostLost(e, exit.detail());
            return;
        }
        if (e.sleepRequested && !e.stopRequested) {
            // its sandbox was put to sleep under the script (a `mags new` job's, whose script keeps it up); the job
            // sleeps once the sandbox is gone
            SandboxEnd gone = placed.sandbox().ended().join();
            if (gone.syncFailure() != null) {
                LOG.warn("job {}: the sync before its sandbox slept failed (its disk stays on this host): {}",
                        e.job.id(), gone.syncFailure());
            }
            live.jobDone(e.job.id());
            sandboxes.ended(placed.sandbox());
            activity.forget(placed.sandbox().id());
            results.recordSleep(out);
            return;
        }
        boolean keep = e.job.persistent() && placed.workspace() != null
                && KEEPS_SANDBOX.contains(exit.reason()) && !e.stopRequested
                && placed.sandbox().state() == SandboxState.RUNNING;
        live.jobDone(e.job.id());
        if (keep) {
            results.recordScriptEnd(out, exit);
            activity.touch(placed.sandbox().id());
            e.kept = placed;
            return;
        }
        if (placed.stored()) {
            SandboxEnd end = placed.sandbox().stop(Duration.ZERO, true).join();
            results.recordAfterSync(out, exit, end, timeout);
        } else {
            results.record(out, exit, timeout);
            placed.sandbox().stop(Duration.ZERO, false).join();
        }
        sandboxes.ended(placed.sandbox());
    }

    /**
     * Puts a persistent job's idle sandbox to sleep: synced when its workspace is stored, then stopped; its disk
     * stays and the job becomes {@code sleeping}. Skipped (false) while a job runs or waits in its workspace.
     */
    public boolean sleep(String jobId) {
        return keptSandboxes.sleep(jobId);
    }

    /**
     * Wakes a sleeping job: a new sandbox on its workspace's disk, its startup command started in the background,
     * and the job running again. Empty when the job does not sleep (any more) and has no live sandbox.
     *
     * @throws AgentException when no sandbox could be made
     */
    public Optional<Sandbox> wake(JobRecord job) {
        return keptSandboxes.wake(job);
    }

    /**
     * A sleeping job is stopped: it has no sandbox to end, and ends as a stopped one would. False when it no longer
     * sleeps: a wake took it meanwhile, and its new sandbox is to be stopped as a running one.
     */
    public boolean endSleeping(String jobId) {
        return keptSandboxes.endSleeping(jobId);
    }

    /**
     * Called by the agent once the sandbox is ready, right before the script is handed to it: on disk before
     * the script can start, so that after a crash a job that may have run is not run again. A second call for
     * the same job (a sandbox replaced before its script started) finds it recorded already.
     */
    private void recordLaunch(Execution e) {
        if (e.launchRecorded) {
            return;
        }
        if (!jobs.markLaunched(e.job.id(), clock.instant())) {
            throw new IllegalStateException("job " + e.job.id() + " is no longer pending or was launched before; "
                    + "it is not started again");
        }
        e.launchRecorded = true;
    }

    private void touchWorkspace(JobRecord job) {
        workspaces.touch(job.userId(), job.workspaceId(), JobSandboxes.workspaceKey(job), clock.instant());
    }

    /** Lets go of the job's workspace, if it still holds it; harmless twice. */
    private void releaseWorkspace(Execution e) {
        String key = e.workspaceLock.getAndSet(null);
        if (key != null) {
            workspaceLocks.release(key);
        }
    }

    /** Takes no new sandboxes; jobs waiting for a slot stay pending. */
    public void beginShutdown() {
        shuttingDown = true;
        for (Execution e : executions.values()) {
            // Only jobs still waiting for a slot or their workspace: a sandbox being made is finished (the agent,
            // closing too, stops what it made), since an interrupt would cut its build short half-done.
            if (e.placed == null && !e.launching) {
                e.thread.interrupt();
            }
        }
    }

    /** Waits for running jobs to record their final status (the agent stops their sandboxes). */
    @Override
    public void close() {
        beginShutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Execution e : executions.values()) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !e.thread.join(Duration.ofNanos(left))) {
                    LOG.warn("job {} did not finish during shutdown", e.job.id());
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
