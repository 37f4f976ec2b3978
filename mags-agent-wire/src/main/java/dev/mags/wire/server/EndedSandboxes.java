package dev.mags.wire.server;

import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How each sandbox the server has seen ended, kept for a while after the agent has forgotten it: a control plane
 * that asks for a sandbox's end just after it ended (its long poll was between two requests) still learns why.
 */
final class EndedSandboxes {
    private static final Duration KEEP = Duration.ofMinutes(10);
    private final Agent agent;
    private final Clock clock;
    private final Map<SandboxId, CompletableFuture<SandboxEnd>> ends = new ConcurrentHashMap<>();
    private final Map<SandboxId, Instant> endedAt = new ConcurrentHashMap<>();

    EndedSandboxes(Agent agent, Clock clock) {
        this.agent = agent;
        this.clock = clock;
    }

    /** The sandbox's end, done or to come; empty for a sandbox neither the agent nor this record knows. */
    Optional<CompletableFuture<SandboxEnd>> end(SandboxId id) {
        forgetOld();
        CompletableFuture<SandboxEnd> known = ends.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        return agent.sandbox(id).map(this::watch);
    }

    /** Starts remembering how {@code sandbox} ends; returns its end. */
    CompletableFuture<SandboxEnd> watch(Sandbox sandbox) {
        return ends.computeIfAbsent(sandbox.id(), id -> {
            CompletableFuture<SandboxEnd> end = sandbox.ended();
            end.whenComplete((e, t) -> endedAt.put(id, clock.instant()));
            return end;
        });
    }

    private void forgetOld() {
        Instant before = clock.instant().minus(KEEP);
        endedAt.entrySet().removeIf(e -> {
            if (e.getValue().isBefore(before)) {
                ends.remove(e.getKey());
                return true;
            }
            return false;
        });
    }
}
