package dev.mags.protocol.v1;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The control plane's view of one host agent. In single-node mode the implementation lives in the
 * same process; in cluster mode it is a client of a remote agent speaking the same contract.
 */
public interface Agent extends AutoCloseable {

    /** Base images this agent can start sandboxes from. */
    List<ImageInfo> images();

    default Optional<ImageInfo> image(String name) {
        return images().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * Starts a sandbox and returns once its main process runs. Output goes to {@code output} from
     * then on.
     *
     * @throws AgentException with a typed code when the sandbox cannot be started; nothing of it is
     *     left behind in that case
     */
    RunningSandbox launch(SandboxSpec spec, OutputListener output);

    /**
     * {@link #launch(SandboxSpec, OutputListener)} that calls {@code gate} right before the command is
     * handed to the sandbox (see {@link CommandGate}). This default calls it before anything else: as safe,
     * since the command cannot start before it, but a crash during the build then counts as a launch too.
     */
    default RunningSandbox launch(SandboxSpec spec, OutputListener output, CommandGate gate) {
        gate.beforeCommand();
        return launch(spec, output);
    }

    /**
     * Removes every sandbox resource on the host whose id is not in {@code keep}: containers, mounts,
     * cgroups, directories. Called on start, before any launch.
     */
    ReconcileReport reconcile(Set<String> keep);

    /** The workspaces this agent keeps on its disk. */
    List<WorkspaceInfo> workspaces();

    /**
     * Removes everything the agent keeps of workspace {@code key}; harmless when there is none.
     *
     * @throws AgentException WORKSPACE_BUSY while a sandbox uses it
     */
    void deleteWorkspace(String key);

    /**
     * Syncs the workspace to storage as a new snapshot: from its live sandbox's writable layer, or from
     * its disk when no sandbox runs. Returns once the snapshot is committed.
     *
     * @throws AgentException NOT_FOUND when the agent has no copy of the workspace, STORAGE_FAILED when
     *     storage failed (the previous snapshot stays the latest and the local data is kept)
     */
    SyncResult syncWorkspace(String key, StoredWorkspace stored);

    /** The running sync of workspace {@code key}, if one runs. */
    Optional<SyncProgress> syncProgress(String key);

    /**
     * Ends the workspace's live sandbox, if it has one: its command (if any) and every process in it
     * are killed, a stored workspace is synced, then the sandbox is released; the workspace's disk
     * stays. Returns the final sync, if one was made.
     *
     * @throws AgentException STORAGE_FAILED when the final sync failed (the sandbox has ended and the
     *     local disk keeps the data)
     */
    Optional<SyncResult> endWorkspaceSandbox(String key);

    /**
     * Grows the workspace's disk to {@code diskBytes}. No sandbox may use it.
     *
     * @throws AgentException WORKSPACE_BUSY while a sandbox uses it, INVALID_SPEC when smaller than now
     */
    void resizeWorkspace(String key, long diskBytes);

    /** Free disk space, what the disks in use may still take of it, and the live workspace sandboxes. */
    HostUsage usage();

    /** The owner's workspaces in storage. */
    List<StoredWorkspaceInfo> storedWorkspaces(String owner);

    /** The latest snapshot of a stored workspace, if it has one. */
    Optional<String> latestSnapshot(StoredWorkspace workspace);

    /** Deletes every snapshot of the workspace in storage; chunks other snapshots use stay. */
    void deleteStoredWorkspace(StoredWorkspace workspace);

    /** Stops every running sandbox (reason {@link ExitReason#AGENT_SHUTDOWN}) and releases them. */
    @Override
    void close();
}
