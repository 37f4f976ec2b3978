package dev.mags.wire.server;

import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxInfo;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.wire.Requests;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.StatusCodes;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.HashSet;

import static dev.mags.wire.WireProtocol.PREFIX;

/** The agent's own calls: images, creating sandboxes, the host's workspaces and usage, reconciling. */
final class AgentRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRoutes.class);
    private final Agent agent;
    private final Calls calls;
    private final EndedSandboxes ended;

    AgentRoutes(Agent agent, Calls calls, EndedSandboxes ended) {
        this.agent = agent;
        this.calls = calls;
        this.ended = ended;
    }

    void register(RoutingHandler routes) {
        routes.get(PREFIX + "/images", calls.blocking(x -> agent.images()));
        routes.post(PREFIX + "/sandboxes", calls.blocking(this::create));
        routes.get(PREFIX + "/sandboxes", calls.blocking(x -> agent.sandboxes()));
        routes.post(PREFIX + "/reconcile", calls.blocking(x ->
                agent.reconcile(new HashSet<>(calls.read(x, Requests.Reconcile.class).keep()))));
        routes.get(PREFIX + "/workspaces", calls.blocking(x -> agent.workspaces()));
        routes.delete(PREFIX + "/workspaces/{key}", calls.blocking(x -> {
            agent.deleteWorkspace(key(x));
            return null;
        }));
        routes.post(PREFIX + "/workspaces/{key}/sync", calls.blocking(x ->
                agent.syncWorkspace(key(x), calls.read(x, StoredWorkspace.class))));
        routes.get(PREFIX + "/workspaces/{key}/sync", calls.blocking(x -> agent.syncProgress(key(x)).orElse(null)));
        routes.post(PREFIX + "/workspaces/{key}/resize", calls.blocking(x -> {
            agent.resizeWorkspace(key(x), calls.read(x, Requests.Resize.class).diskBytes());
            return null;
        }));
        routes.get(PREFIX + "/usage", calls.blocking(x -> agent.usage()));
        routes.get(PREFIX + "/base-copies", calls.blocking(x -> agent.baseCopies()));
    }

    private Object create(HttpServerExchange exchange) throws java.io.IOException {
        SandboxSpec spec = calls.read(exchange, SandboxSpec.class);
        Sandbox sandbox = agent.create(spec);
        ended.watch(sandbox).whenComplete((end, t) -> LOG.info("sandbox {} ended: {}", sandbox.id(),
                end == null ? t : end.reason()));
        LOG.info("sandbox {} created for the control plane ({} image)", sandbox.id(), spec.image());
        exchange.setStatusCode(StatusCodes.CREATED);
        return new SandboxInfo(sandbox.id(), sandbox.state(), spec.workspace() == null ? null : spec.workspace().key(),
                spec.limits(), Instant.now(), 0);
    }

    static WorkspaceKey key(HttpServerExchange exchange) {
        return WorkspaceKey.of(exchange.getQueryParameters().get("key").getFirst());
    }
}
