package dev.mags.wire.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxState;
import dev.mags.wire.Requests;
import dev.mags.wire.WireProtocol;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.mags.wire.WireProtocol.PREFIX;

/**
 * Calls on one sandbox: its state, freeze and thaw, stop, a long poll for its end, and the two upgraded
 * connections (an exec, a TCP connection to one of its ports).
 */
final class SandboxRoutes {
    private final Agent agent;
    private final Calls calls;
    private final EndedSandboxes ended;
    private final ObjectMapper json;

    SandboxRoutes(Agent agent, Calls calls, EndedSandboxes ended, ObjectMapper json) {
        this.agent = agent;
        this.calls = calls;
        this.ended = ended;
        this.json = json;
    }

    void register(RoutingHandler routes) {
        String one = PREFIX + "/sandboxes/{id}";
        routes.get(one + "/state", calls.blocking(x -> Map.of("state", state(id(x)))));
        routes.post(one + "/freeze", calls.blocking(x -> {
            sandbox(x).freeze();
            return null;
        }));
        routes.post(one + "/thaw", calls.blocking(x -> {
            sandbox(x).thaw();
            return null;
        }));
        routes.post(one + "/stop", calls.blocking(x -> {
            Requests.Stop stop = calls.read(x, Requests.Stop.class);
            return sandbox(x).stop(Duration.ofMillis(stop.graceMillis()), stop.sync()).join();
        }));
        routes.get(one + "/ended", this::ended);
        routes.get(one + "/exec", calls.blocking(x -> {
            Sandbox sandbox = sandbox(x);
            upgrade(x, WireProtocol.EXEC_UPGRADE);
            boolean keep = "1".equals(x.getRequestHeaders().getFirst(WireProtocol.EXEC_KEEP));
            if (keep) {
                x.getResponseHeaders().put(new io.undertow.util.HttpString(WireProtocol.EXEC_KEEP), "1");
            }
            x.upgradeChannel(WireProtocol.EXEC_UPGRADE, (connection, e) ->
                    Thread.ofVirtual().name("agent-exec-" + sandbox.id()).start(new ExecConnection(json, sandbox.id(),
                            () -> sandbox(sandbox.id()), connection, keep)));
            return Calls.ANSWERED;
        }));
        routes.get(one + "/ports/{port}", calls.blocking(x -> {
            Sandbox sandbox = sandbox(x);
            upgrade(x, WireProtocol.PORT_UPGRADE);
            Socket socket = sandbox.connect(Integer.parseInt(x.getQueryParameters().get("port").getFirst()));
            x.upgradeChannel(WireProtocol.PORT_UPGRADE, (connection, e) -> PortTunnel.join(connection, socket));
            return Calls.ANSWERED;
        }));
    }

    private static void upgrade(HttpServerExchange exchange, String token) {
        if (!token.equalsIgnoreCase(exchange.getRequestHeaders().getFirst(Headers.UPGRADE))) {
            throw new IllegalArgumentException("this call is an upgrade to " + token);
        }
    }

    /** Answers the sandbox's end when it comes, or 204 after a while; holds no thread meanwhile. */
    private void ended(HttpServerExchange exchange) {
        SandboxId id = id(exchange);
        CompletableFuture<SandboxEnd> end = ended.end(id).orElse(null);
        if (end == null) {
            calls.fail(exchange, new AgentException(AgentErrorCode.NOT_FOUND, "this agent does not know sandbox " + id));
            return;
        }
        AtomicBoolean answered = new AtomicBoolean();
        exchange.dispatch(io.undertow.util.SameThreadExecutor.INSTANCE, () -> {
            var timeout = exchange.getIoThread().executeAfter(() -> {
                if (answered.compareAndSet(false, true)) {
                    exchange.setStatusCode(StatusCodes.NO_CONTENT);
                    exchange.endExchange();
                }
            }, WireProtocol.ENDED_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            end.whenComplete((e, t) -> exchange.getIoThread().execute(() -> {
                if (answered.compareAndSet(false, true)) {
                    timeout.remove();
                    // the sender ends the exchange once the answer is written
                    if (t != null) {
                        calls.fail(exchange, t);
                    } else {
                        try {
                            calls.answer(exchange, e);
                        } catch (java.io.IOException io) {
                            calls.fail(exchange, io);
                        }
                    }
                }
            }));
        });
    }

    private SandboxState state(SandboxId id) {
        return agent.sandbox(id).map(Sandbox::state)
                .orElseGet(() -> ended.end(id).filter(CompletableFuture::isDone).map(e -> SandboxState.ENDED)
                        .orElseThrow(() -> new AgentException(AgentErrorCode.NOT_FOUND,
                                "this agent does not know sandbox " + id)));
    }

    private Sandbox sandbox(HttpServerExchange exchange) {
        return sandbox(id(exchange));
    }

    private Sandbox sandbox(SandboxId id) {
        return agent.sandbox(id).orElseThrow(() -> new AgentException(AgentErrorCode.NOT_FOUND,
                "sandbox " + id + " has ended"));
    }

    static SandboxId id(HttpServerExchange exchange) {
        return SandboxId.of(exchange.getQueryParameters().get("id").getFirst());
    }
}
