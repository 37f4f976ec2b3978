package dev.mags.controlplane.placement;

import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.ImageInfo;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.WorkspaceKey;
import java.util.Collection;
import java.util.Optional;

/**
 * Which agent holds which sandbox and where a new one goes: the control plane's only way to its agents, so that
 * no service is built around one agent. Closing it closes the agents it holds (their sandboxes stop, so their
 * jobs can record why they ended).
 */
public interface AgentDirectory extends AutoCloseable {
    /**
     * The agent a new sandbox of {@code spec} goes to: the one that has its workspace's disk, if any does.
     *
     * @throws dev.mags.protocol.v2.AgentException SHUTTING_DOWN or CAPACITY when no agent takes it
     */
    Agent place(SandboxSpec spec);

    /** The agent that holds the sandbox, while it has not ended. */
    Optional<Agent> holding(SandboxId id);

    Collection<Agent> agents();

    /** The sandbox, while it has not ended, wherever it is. */
    default Optional<Sandbox> sandbox(SandboxId id) {
        return holding(id).flatMap(agent -> agent.sandbox(id));
    }

    /** The agent whose host keeps the workspace's disk, if one does. */
    default Optional<Agent> keeping(WorkspaceKey key) {
        return agents().stream().filter(a -> a.workspaces().stream().anyMatch(w -> w.key().equals(key))).findFirst();
    }

    /** A base image one of the agents has. */
    default Optional<ImageInfo> image(String name) {
        return agents().stream().map(a -> a.image(name)).flatMap(Optional::stream).findFirst();
    }

    @Override
    void close();
}
