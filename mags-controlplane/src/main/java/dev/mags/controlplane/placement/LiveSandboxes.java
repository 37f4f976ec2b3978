package dev.mags.controlplane.placement;

import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxState;
import dev.mags.protocol.v2.WorkspaceKey;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which live sandbox serves which job and which workspace: a job's sandbox from its start until it is released,
 * and a workspace's sandbox while it stays up (a {@code -p} job's sandbox outlives its script, and the next job in
 * that workspace runs in it). Sandboxes are found through the {@link AgentDirectory}, so an ended one is never
 * handed out; nothing here survives a restart of the control plane, whose agents reap every sandbox on start.
 */
public final class LiveSandboxes {
    private final AgentDirectory directory;
    private final Map<String, SandboxId> byJob = new ConcurrentHashMap<>();
    private final Map<WorkspaceKey, SandboxId> byWorkspace = new ConcurrentHashMap<>();

    public LiveSandboxes(AgentDirectory directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Job {@code jobId} runs in sandbox {@code id}, which is on {@code workspace}'s disk (null for none). */
    public void serving(String jobId, WorkspaceKey workspace, SandboxId id) {
        byJob.put(jobId, id);
        if (workspace != null) {
            byWorkspace.put(workspace, id);
        }
    }

    /** The job is done with its sandbox (which may stay for its workspace). */
    public void jobDone(String jobId) {
        byJob.remove(jobId);
    }

    /** The sandbox is gone (stopped, or found ended): it serves nothing any more. */
    public void ended(SandboxId id) {
        byJob.values().removeIf(id::equals);
        byWorkspace.values().removeIf(id::equals);
    }

    /**
     * The sandbox job {@code jobId} runs in, while the sandbox lives. In a cluster, a job another replica started
     * is found on the agents (a job's own sandbox has the job's id).
     */
    public Optional<Sandbox> forJob(String jobId) {
        SandboxId id = byJob.get(jobId);
        if (id == null && directory.shared()) {
            id = SandboxId.of(jobId);
        }
        return live(id);
    }

    /**
     * The sandbox that stays for the workspace, while it lives (running or frozen). In a cluster, one another
     * replica started is found on the agents.
     */
    public Optional<Sandbox> forWorkspace(WorkspaceKey key) {
        Optional<Sandbox> known = live(byWorkspace.get(key));
        if (known.isPresent() || !directory.shared()) {
            return known;
        }
        return directory.onWorkspace(key).filter(s -> s.state() == SandboxState.RUNNING
                || s.state() == SandboxState.FROZEN);
    }

    /** Whether finding a sandbox may ask remote agents (a cluster): then never on an I/O thread. */
    public boolean remote() {
        return directory.shared();
    }

    /** The workspace's sandbox if this process started it (only this process sees its activity, so may sleep it). */
    public Optional<Sandbox> forWorkspaceStartedHere(WorkspaceKey key) {
        return live(byWorkspace.get(key));
    }

    private Optional<Sandbox> live(SandboxId id) {
        if (id == null) {
            return Optional.empty();
        }
        Optional<Sandbox> sandbox = directory.sandbox(id)
                .filter(s -> s.state() == SandboxState.RUNNING || s.state() == SandboxState.FROZEN);
        if (sandbox.isEmpty()) {
            ended(id);
        }
        return sandbox;
    }
}
