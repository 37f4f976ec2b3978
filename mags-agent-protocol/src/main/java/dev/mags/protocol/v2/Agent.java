package dev.mags.protocol.v2;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The control plane's view of one host agent (contract v2): sandboxes as resources with a lifecycle, and the
 * workspace disks the host keeps. Storage queries (which snapshots exist) are not the agent's: the control
 * plane asks storage itself. In single-node mode the implementation lives in the same process; in cluster mode
 * it is a client of a remote agent speaking the same contract.
 */
public interface Agent extends AutoCloseable {
    /** Base images this agent can start sandboxes from. */
    List<ImageInfo> images();

    default Optional<ImageInfo> image(String name) {
        return images().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * Builds and starts a sandbox (a ready one of the same shape from the warm pool when there is one) and returns
     * once it runs and takes execs; nothing of the user's runs in it yet. A sandbox on a stored workspace's disk
     * is restored from its latest snapshot first when the agent has no copy.
     *
     * @throws AgentException with a typed code; nothing of the sandbox is left then
     */
    Sandbox create(SandboxSpec spec);

    /** The sandbox, while it has not ended. */
    Optional<Sandbox> sandbox(SandboxId id);

    List<SandboxInfo> sandboxes();

    /**
     * Removes every sandbox resource on the host whose sandbox is not in {@code keep} (and not the agent's own:
     * live, being built, pooled). Called on start, before any create.
     */
    ReconcileReport reconcile(Set<SandboxId> keep);

    /** The workspace disks this agent keeps. */
    List<WorkspaceInfo> workspaces();

    /** Removes the workspace's disk; harmless when there is none. AgentException WORKSPACE_BUSY while a sandbox uses it. */
    void deleteWorkspace(WorkspaceKey key);

    /**
     * Syncs the workspace to storage as a new snapshot now: from its live sandbox, or from its disk at rest.
     * Returns once the snapshot is committed.
     *
     * @throws AgentException NOT_FOUND when the agent has no copy of the workspace, STORAGE_FAILED when storage
     *     failed (the previous snapshot stays the latest and the local data is kept)
     */
    SyncResult syncWorkspace(WorkspaceKey key, StoredWorkspace stored);

    /** The running sync of the workspace, if one runs. */
    Optional<SyncProgress> syncProgress(WorkspaceKey key);

    /**
     * Grows an idle workspace's disk.
     *
     * @throws AgentException WORKSPACE_BUSY while a sandbox uses it, INVALID_SPEC when smaller than now
     */
    void resizeWorkspace(WorkspaceKey key, long diskBytes);

    /** Free disk space, what the disks in use may still take of it, and the live sandboxes on workspace disks. */
    HostUsage usage();

    /** The base snapshots this host keeps restored ({@code --base}), with their size on the host. */
    List<BaseCopy> baseCopies();

    /** Stops every sandbox (reason AGENT_SHUTDOWN) and releases them. */
    @Override
    void close();
}
