package dev.mags.protocol.v2;

import dev.mags.protocol.v1.HostUsage;
import dev.mags.protocol.v1.ImageInfo;
import dev.mags.protocol.v1.ReconcileReport;
import dev.mags.protocol.v1.StoredWorkspace;
import dev.mags.protocol.v1.SyncProgress;
import dev.mags.protocol.v1.SyncResult;
import dev.mags.protocol.v1.WorkspaceInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The control plane's view of one host agent (contract v2): sandboxes as resources with a lifecycle, and the
 * workspace disks the host keeps. Storage queries (which snapshots exist) are not the agent's: the control
 * plane asks storage itself.
 */
public interface Agent extends AutoCloseable {
    List<ImageInfo> images();

    /**
     * Builds and starts a sandbox (a ready one of the same shape from the warm pool when there is one) and returns
     * once it runs and takes execs; nothing of the user's runs in it yet.
     *
     * @throws dev.mags.protocol.v1.AgentException with a typed code; nothing of the sandbox is left then
     */
    Sandbox create(SandboxSpec spec);

    Optional<Sandbox> sandbox(SandboxId id);

    List<SandboxInfo> sandboxes();

    /** Removes every sandbox resource on the host whose sandbox is not in {@code keep}. */
    ReconcileReport reconcile(Set<SandboxId> keep);

    /** The workspace disks this agent keeps. */
    List<WorkspaceInfo> workspaces();

    /** Removes the workspace's disk; AgentException WORKSPACE_BUSY while a sandbox uses it. */
    void deleteWorkspace(WorkspaceKey key);

    /** Syncs the workspace to storage now: from its live sandbox, or from its disk at rest. */
    SyncResult syncWorkspace(WorkspaceKey key, StoredWorkspace stored);

    Optional<SyncProgress> syncProgress(WorkspaceKey key);

    /** Grows an idle workspace's disk. */
    void resizeWorkspace(WorkspaceKey key, long diskBytes);

    HostUsage usage();

    /** Stops every sandbox (reason AGENT_SHUTDOWN) and releases them. */
    @Override
    void close();
}
