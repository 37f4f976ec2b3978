package dev.mags.agent;

import dev.mags.agent.sandbox.LocalSandbox;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.SandboxId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The sandboxes of this agent, from their creation until their release. An id is reserved before its sandbox is
 * built, so two creates of one id cannot race, and kept until the sandbox is released, so reconcile spares it.
 */
final class SandboxRegistry {
    private final Set<SandboxId> reserved = ConcurrentHashMap.newKeySet();
    private final Map<SandboxId, LocalSandbox> live = new ConcurrentHashMap<>();

    /** @throws AgentException INVALID_SPEC when a sandbox of that id exists or is being created */
    void reserve(SandboxId id) {
        if (!reserved.add(id)) {
            throw new AgentException(AgentErrorCode.INVALID_SPEC, "sandbox " + id + " is already running on this agent");
        }
    }

    /** Its creation failed. */
    void unreserve(SandboxId id) {
        reserved.remove(id);
    }

    void add(LocalSandbox sandbox) {
        live.put(sandbox.id(), sandbox);
    }

    /** It is released: the id may be used again. */
    void remove(LocalSandbox sandbox) {
        live.remove(sandbox.id(), sandbox);
        reserved.remove(sandbox.id());
    }

    Optional<LocalSandbox> get(SandboxId id) {
        return Optional.ofNullable(live.get(id));
    }

    Collection<LocalSandbox> all() {
        return List.copyOf(live.values());
    }

    /** The reserved ids as the host's leftovers name them. */
    Set<String> ids() {
        return reserved.stream().map(SandboxId::value).collect(Collectors.toSet());
    }

    /** Ends the sandboxes whose init has died. */
    void checkAlive() {
        for (LocalSandbox sandbox : all()) {
            try {
                sandbox.checkAlive();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(SandboxRegistry.class).warn("cannot check {}: {}", sandbox, e.toString());
            }
        }
    }
}
