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

    /**
     * {@code agent} refused a sandbox placed on it as full (CAPACITY): it runs as many as it may, counting those
     * other control-plane replicas placed there since its last heartbeat. Place nothing more there until it says it
     * has room again. (A single agent never refuses so.)
     */
    default void full(Agent agent) {}

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

    /**
     * Whether other control-plane replicas place sandboxes on these agents too (a cluster): then a sandbox this
     * process did not start may serve one of its jobs or workspaces, and is looked for on the agents.
     */
    default boolean shared() {
        return false;
    }

    /** The live sandbox (running or frozen) on the workspace's disk, wherever it is; asks every agent. */
    default Optional<Sandbox> onWorkspace(WorkspaceKey key) {
        for (Agent agent : agents()) {
            for (var info : agent.sandboxes()) {
                if (key.equals(info.workspace())) {
                    Optional<Sandbox> sandbox = agent.sandbox(info.id());
                    if (sandbox.isPresent()) {
                        return sandbox;
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Override
    void close();
}
