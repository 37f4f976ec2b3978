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

    /** Stops every running sandbox (reason {@link ExitReason#AGENT_SHUTDOWN}) and releases them. */
    @Override
    void close();
}
