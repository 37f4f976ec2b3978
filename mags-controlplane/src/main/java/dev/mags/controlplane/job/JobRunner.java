package dev.mags.controlplane.job;

import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.api.LogSource;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.JobStore;
import dev.mags.controlplane.state.LogStore;
import dev.mags.controlplane.state.WorkspaceStore;
import dev.mags.controlplane.workspace.WorkspaceLocks;
import dev.mags.controlplane.workspace.WorkspaceName;
import dev.mags.protocol.v1.Agent;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.OutputStream;
import dev.mags.protocol.v1.RunningSandbox;
import dev.mags.protocol.v1.SandboxExit;
import dev.mags.protocol.v1.SandboxSpec;
import dev.mags.protocol.v1.WorkspaceRef;
import dev.mags.controlplane.state.WorkspaceRecord;
import dev.mags.protocol.v1.BaseLayer;
import dev.mags.protocol.v1.SandboxLimits;
import dev.mags.protocol.v1.StoredWorkspace;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs accepted jobs on the agent, one virtual thread per job, at most {@code maxConcurrent}
 * sandboxes at a time, and records each job's way through pending, running and a final status. A job
 * with a workspace first waits, pending, until no other job runs in that workspace.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final Agent agent;
    private final JobStore jobs;
    private final LogStore logs;
    private final OutputRegistry outputs;
    private final Clock clock;
    private final Semaphore slots;
    private final Duration stopGrace;
    private final Duration maxTimeout;
    private final WorkspaceStore workspaces;
    private final WorkspaceLocks workspaceLocks;
    private final ConcurrentHashMap<String, Execution> executions = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    public JobRunner(Agent agent, JobStore jobs, LogStore logs, OutputRegistry outputs, Clock clock,
            int maxConcurrent, Duration stopGrace, Duration maxTimeout, WorkspaceStore workspaces,
            WorkspaceLocks workspaceLocks) {
        this.workspaces = workspaces;
        this.workspaceLocks = workspaceLocks;
        this.agent = agent;
        this.jobs = jobs;
        this.logs = logs;
        this.outputs = outputs;
        this.clock = clock;
        this.slots = new Semaphore(maxConcurrent, true);
        this.stopGrace = stopGrace;
        this.maxTimeout = maxTimeout;
    }

    /** Starts working on a job that is stored as pending. */
    public void enqueue(JobRecord job) {
        outputs.open(job.id());
        Execution e = new Execution(job);
        executions.put(job.id(), e);
        e.thread = Thread.ofVirtual().name("job-" + job.id()).unstarted(() -> run(e));
        e.thread.start();
    }

    /** Asks a job to stop; harmless when it has already ended. */
    public void stop(String jobId) {
        Execution e = executions.get(jobId);
        if (e == null) {
            return;
        }
        e.stopRequested = true;
        RunningSandbox sandbox = e.sandbox;
        if (sandbox != null) {
            sandbox.stop(stopGrace);
        } else if (!e.launching) {
            e.thread.interrupt(); // waiting for a slot or its workspace
        } // else: the launch completes and execute() stops the sandbox it returns
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
        String workspaceKey = null;
        try {
            try {
                if (e.job.workspaceId() != null) {
                    String key = workspaceKey(e.job);
                    workspaceLocks.acquire(key);
                    workspaceKey = key;
                }
                slots.acquire();
                slotTaken = true;
            } catch (InterruptedException ie) {
                if (!e.stopRequested) {
                    return; // shutting down: the job stays pending and is picked up after a restart
                }
            }
            if (e.stopRequested) {
                finish(out, JobStatus.ERROR, null, "stopped before it started");
                return;
            }
            if (shuttingDown) {
                return;
            }
            execute(e, out);
        } catch (RuntimeException ex) {
            LOG.error("job {} failed inside mags", id, ex);
            try {
                finish(out, JobStatus.ERROR, null, "internal error in mags: " + ex.getMessage());
            } catch (RuntimeException again) {
                LOG.error("could not record the failure of job {}", id, again);
            }
        } finally {
            if (slotTaken) {
                slots.release();
            }
            if (workspaceKey != null) {
                workspaceLocks.release(workspaceKey);
            }
            executions.remove(id);
            outputs.remove(id);
        }
    }

    private void execute(Execution e, JobOutput out) {
        JobRecord job = e.job;
        Duration timeout = job.timeoutSeconds() == null ? maxTimeout : Duration.ofSeconds(job.timeoutSeconds());
        SandboxSpec spec = SandboxSpec.shell(job.id(), job.image(), job.script(), job.environment(), timeout,
                job.limits());
        if (job.workspaceId() != null) {
            WorkspaceRecord row = workspaces.find(job.userId(), job.workspaceId()).orElse(null);
            boolean stored = row != null && row.persistent() && !job.noSync();
            spec = spec.withWorkspace(new WorkspaceRef(workspaceKey(job),
                    stored ? new StoredWorkspace(job.userId(), job.workspaceId()) : null, job.persistent()));
            if (row != null && row.diskBytes() != null && row.diskBytes() > job.limits().diskBytes()) {
                SandboxLimits l = job.limits(); // the workspace was resized: its disk is restored at that size
                spec = new SandboxSpec(spec.sandboxId(), spec.image(), spec.command(), spec.environment(), spec.timeout(),
                        new SandboxLimits(l.memoryBytes(), l.cpuMillis(), row.diskBytes(), l.pids()), spec.network(),
                        spec.workspace(), spec.base());
            }
            touchWorkspace(job);
        }
        if (job.baseSnapshot() != null) {
            spec = spec.withBase(new BaseLayer(new StoredWorkspace(job.userId(), job.baseWorkspaceId()), job.baseSnapshot()));
        }
        RunningSandbox sandbox;
        e.launching = true;
        try {
            sandbox = agent.launch(spec, listener(out), () -> recordLaunch(e));
        } catch (AgentException ex) {
            finish(out, JobStatus.ERROR, null, "could not start the sandbox: " + ex.getMessage());
            return;
        }
        e.sandbox = sandbox;
        jobs.markRunning(job.id(), clock.instant());
        if (e.stopRequested) {
            sandbox.stop(stopGrace);
        }
        SandboxExit exit = sandbox.finished().join();
        record(out, exit, timeout);
        if (job.workspaceId() != null) {
            touchWorkspace(job);
        }
        // The client has its answer; the slot (and the workspace) stay taken until the sandbox is released.
        sandbox.exit().join();
    }

    /**
     * Called by the agent once the sandbox is built, right before the script is handed to it: on disk before
     * the script can start, so that after a crash a job that may have run is not run again. A second call for
     * the same launch (a sandbox replaced before its script started) finds it recorded already.
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

    static String workspaceKey(JobRecord job) {
        return new WorkspaceName(job.workspaceId()).agentKey(job.userId());
    }

    private void touchWorkspace(JobRecord job) {
        workspaces.touch(job.userId(), job.workspaceId(), workspaceKey(job), clock.instant());
    }

    private void record(JobOutput out, SandboxExit exit, Duration timeout) {
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
            case FAILED -> finish(out, JobStatus.ERROR, exit.exitCode(), "sandbox failed: " + exit.detail());
        }
    }

    private static OutputListener listener(JobOutput out) {
        return (stream, ts, line) -> out.append(stream == OutputStream.STDOUT ? LogSource.STDOUT : LogSource.STDERR,
                ts, line);
    }

    /**
     * Records the final status first, as one small write, so that a job that ended is never reported as
     * interrupted by a crash that follows; then persists the remaining output (until then readers get it
     * from memory), and only then tells the followers, so none of them misses a line before the status.
     */
    private void finish(JobOutput out, JobStatus status, Integer exitCode, String message) {
        String id = out.jobId();
        jobs.finish(id, status, exitCode, message, clock.instant());
        persistWithRetry(out);
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

    /** Takes no new sandboxes; jobs waiting for a slot stay pending. */
    public void beginShutdown() {
        shuttingDown = true;
        for (Execution e : executions.values()) {
            // Only jobs still waiting for a slot or their workspace: a launch under way finishes (the agent,
            // closing too, stops what it started), since an interrupt would cut its build short half-done.
            if (e.sandbox == null && !e.launching) {
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

    private static final class Execution {
        final JobRecord job;
        volatile Thread thread;
        volatile RunningSandbox sandbox;
        volatile boolean stopRequested;
        volatile boolean launching;
        volatile boolean launchRecorded;

        Execution(JobRecord job) {
            this.job = job;
        }
    }
}
