package dev.mags.wire.server;

import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseCopy;
import dev.mags.protocol.v2.HostUsage;
import dev.mags.protocol.v2.ImageInfo;
import dev.mags.protocol.v2.ReconcileReport;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxInfo;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.SyncProgress;
import dev.mags.protocol.v2.SyncResult;
import dev.mags.protocol.v2.WorkspaceInfo;
import dev.mags.protocol.v2.WorkspaceKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A cluster agent that runs at most {@code --max-sandboxes} sandboxes, whoever asks: control-plane replicas place
 * from heartbeats that are up to two seconds old, so two of them can pick the same last slot. A create beyond the
 * limit (those running plus those being created) is refused with CAPACITY, and the control plane places the
 * sandbox on another agent.
 */
public final class SlotLimitedAgent implements Agent {
    private final Agent agent;
    private final int slots;
    private int creating; // guarded by this

    public SlotLimitedAgent(Agent agent, int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1");
        }
        this.agent = agent;
        this.slots = slots;
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        synchronized (this) {
            int running = agent.sandboxes().size();
            if (running + creating >= slots) {
                throw new AgentException(AgentErrorCode.CAPACITY, "this agent runs " + running + " sandboxes and starts "
                        + creating + " more, its limit of " + slots + " (--max-sandboxes): place the sandbox on another "
                        + "agent, or try again when one has ended");
            }
            creating++;
        }
        try {
            return agent.create(spec);
        } finally {
            synchronized (this) {
                creating--;
            }
        }
    }

    @Override
    public List<ImageInfo> images() {
        return agent.images();
    }

    @Override
    public Optional<Sandbox> sandbox(SandboxId id) {
        return agent.sandbox(id);
    }

    @Override
    public List<SandboxInfo> sandboxes() {
        return agent.sandboxes();
    }

    @Override
    public ReconcileReport reconcile(Set<SandboxId> keep) {
        return agent.reconcile(keep);
    }

    @Override
    public List<WorkspaceInfo> workspaces() {
        return agent.workspaces();
    }

    @Override
    public void deleteWorkspace(WorkspaceKey key) {
        agent.deleteWorkspace(key);
    }

    @Override
    public SyncResult syncWorkspace(WorkspaceKey key, StoredWorkspace stored) {
        return agent.syncWorkspace(key, stored);
    }

    @Override
    public Optional<SyncProgress> syncProgress(WorkspaceKey key) {
        return agent.syncProgress(key);
    }

    @Override
    public void resizeWorkspace(WorkspaceKey key, long diskBytes) {
        agent.resizeWorkspace(key, diskBytes);
    }

    @Override
    public HostUsage usage() {
        return agent.usage();
    }

    @Override
    public List<BaseCopy> baseCopies() {
        return agent.baseCopies();
    }

    @Override
    public void close() {
        agent.close();
    }
}
