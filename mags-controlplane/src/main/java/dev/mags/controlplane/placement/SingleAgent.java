package dev.mags.controlplane.placement;

import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxSpec;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The directory of single-node mode: one agent, in the same process, holds everything. */
public final class SingleAgent implements AgentDirectory {
    private final Agent agent;

    public SingleAgent(Agent agent) {
        this.agent = Objects.requireNonNull(agent, "agent");
    }

    @Override
    public Agent place(SandboxSpec spec) {
        return agent;
    }

    @Override
    public Optional<Agent> holding(SandboxId id) {
        return agent.sandbox(id).isPresent() ? Optional.of(agent) : Optional.empty();
    }

    @Override
    public Collection<Agent> agents() {
        return List.of(agent);
    }

    @Override
    public void close() {
        agent.close();
    }
}
