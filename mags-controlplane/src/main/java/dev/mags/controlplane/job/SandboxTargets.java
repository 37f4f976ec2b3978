package dev.mags.controlplane.job;

import dev.mags.controlplane.apps.AppTargets;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.exec.ExecTarget;
import dev.mags.controlplane.exec.ExecTargets;
import dev.mags.controlplane.placement.LiveSandboxes;
import dev.mags.controlplane.ssh.SshTarget;
import dev.mags.controlplane.ssh.SshTargets;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.JobStore;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.WorkspaceKey;
import java.util.Objects;
import java.util.Optional;

/**
 * Which sandbox an exec or an SSH channel works in: the caller's own job that the name means (a request id, a job
 * name or a workspace name, live jobs first), and that job's live sandbox — its workspace's sandbox, which stays
 * after a {@code -p} script, or the job's own while its script runs. Another user's names are never found. Each
 * target is held while the exec or channel lasts ({@link SandboxActivity}), so that a sandbox in use never sleeps.
 * ({@link ExecTargets}, {@link SshTargets} and {@link AppTargets} cannot be one class's interfaces: their one
 * method differs only in its return type; {@link #exec()}, {@link #ssh()} and {@link #app()} are views of the same
 * lookup.)
 */
public final class SandboxTargets {
    private final JobStore jobs;
    private final LiveSandboxes live;
    private final SandboxActivity activity;
    private final Waker waker;

    /** Wakes a sleeping job's sandbox: the sandbox, once it runs again; empty when the job does not sleep. */
    @FunctionalInterface
    public interface Waker {
        Optional<Sandbox> wake(JobRecord job);
    }

    public SandboxTargets(JobStore jobs, LiveSandboxes live, SandboxActivity activity, Waker waker) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.live = Objects.requireNonNull(live, "live");
        this.activity = Objects.requireNonNull(activity, "activity");
        this.waker = Objects.requireNonNull(waker, "waker");
    }

    public ExecTargets exec() {
        return (userId, idOrName) -> held(userId, idOrName).map(h -> new ExecTarget(h.name(), h.sandbox(), h.release()));
    }

    /** The view public URLs take: by job id, as their routes name jobs. */
    public AppTargets app() {
        return new AppTargets() {
            @Override
            public AppSandbox take(JobRecord job) {
                Held h = heldFor(job);
                return new AppSandbox(h.sandbox(), h.release());
            }

            @Override
            public Optional<AppSandbox> takeIfAwake(JobRecord job) {
                if (live.remote()) {
                    return Optional.empty(); // asking agents blocks: the caller's pool finds it (take) instead
                }
                return sandboxOf(job).flatMap(s -> activity.hold(s.id()).map(release -> new AppSandbox(s, release)));
            }
        };
    }

    public SshTargets ssh() {
        return (userId, loginName) -> held(userId, loginName).map(h -> new SshTarget(h.name(), h.sandbox(), h.release()));
    }

    private record Held(String name, Sandbox sandbox, Runnable release) {}

    private Optional<Held> held(String userId, String idOrName) {
        Optional<JobRecord> found = jobs.findByIdOrName(userId, idOrName);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(heldFor(found.get()));
    }

    private Held heldFor(JobRecord job) {
        String name = job.workspaceId() != null ? job.workspaceId() : job.name() != null ? job.name() : job.id();
        for (int attempt = 1; ; attempt++) {
            Sandbox sandbox = sandboxOf(job).or(() -> waker.wake(job)).orElseThrow(() -> new ConflictException(
                    "sandbox_not_running", "job " + job.id() + " (" + statusNow(job) + ") has no running "
                            + "sandbox; start one with: mags new " + (job.workspaceId() == null ? "NAME" : job.workspaceId())));
            Optional<Runnable> release = activity.hold(sandbox.id());
            if (release.isPresent()) {
                return new Held(name, sandbox, release.get());
            }
            if (attempt == 3) {
                throw new ConflictException("sandbox_busy", "the sandbox of " + name + " is going to sleep and waking "
                        + "up again; try again");
            }
            sandbox.ended().join(); // it is going to sleep: once it has, the next round wakes it
        }
    }

    /** The job's status now: a stop may have ended it while it was being woken. */
    private String statusNow(JobRecord job) {
        return jobs.find(job.userId(), job.id()).map(j -> j.status().wireName()).orElse(job.status().wireName());
    }

    private Optional<Sandbox> sandboxOf(JobRecord job) {
        if (job.workspaceId() != null) {
            Optional<Sandbox> kept = live.forWorkspace(WorkspaceKey.of(JobSandboxes.workspaceKey(job)));
            if (kept.isPresent()) {
                return kept;
            }
        }
        return live.forJob(job.id());
    }
}
