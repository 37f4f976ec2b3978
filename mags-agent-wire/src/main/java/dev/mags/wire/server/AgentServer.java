package dev.mags.wire.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.protocol.v2.Agent;
import dev.mags.wire.WireJson;
import dev.mags.wire.WireProtocol;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import javax.net.ssl.SSLContext;

/**
 * Serves one host's {@link Agent} to the control plane over HTTP/JSON ({@code /agent/v2/...}; the contract in
 * {@code docs/agent-wire-v2.md}). Every request carries the cluster's shared secret as a bearer token; one without
 * it is refused before anything else is read. Closing it stops serving; the agent stays open (its owner closes it).
 */
public final class AgentServer implements AutoCloseable {
    private final Undertow undertow;
    private final PortGatewayHandler gateway;

    private AgentServer(Undertow undertow, PortGatewayHandler gateway) {
        this.undertow = undertow;
        this.gateway = gateway;
    }

    /** Serves {@code agent} over plain HTTP (a cluster on a private network, tests). */
    public static AgentServer start(Agent agent, String secret, String host, int port) {
        return start(agent, secret, host, port, null);
    }

    /**
     * Serves {@code agent} on {@code host:port}: over HTTPS with {@code tls} (the agent's certificate), over plain
     * HTTP when it is null.
     */
    public static AgentServer start(Agent agent, String secret, String host, int port, SSLContext tls) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the agent secret must be at least 16 characters");
        }
        ObjectMapper json = WireJson.mapper();
        Calls calls = new Calls(json);
        EndedSandboxes ended = new EndedSandboxes(agent, Clock.systemUTC());
        RoutingHandler routes = new RoutingHandler();
        new AgentRoutes(agent, calls, ended).register(routes);
        new SandboxRoutes(agent, calls, ended, json).register(routes);
        new FileRoutes(agent, calls, new OpenFiles(ended)).register(routes);
        routes.setFallbackHandler(exchange -> {
            exchange.setStatusCode(StatusCodes.NOT_FOUND);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseSender().send("{\"kind\":\"invalid\",\"message\":\"no such call: "
                    + exchange.getRequestMethod() + " " + exchange.getRequestPath() + " (this agent speaks "
                    + WireProtocol.PREFIX + ")\"}");
        });
        // sandboxes' ports for the control planes' public URLs; every other call is the contract's
        PortGatewayHandler gateway = new PortGatewayHandler(agent, secret, authenticated(secret, routes));
        Undertow.Builder builder = Undertow.builder();
        if (tls == null) {
            builder.addHttpListener(port, host);
        } else {
            builder.addHttpsListener(port, host, tls);
        }
        Undertow undertow = builder
                // creates, stops and syncs block a worker each for up to minutes; a few dozen at once are normal
                .setWorkerThreads(64)
                // longer than the client keeps an idle connection (the JDK's 30 s), so the client always closes first
                // and never sends a call on a connection the server is closing
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 120_000)
                .setHandler(gateway)
                .build();
        undertow.start();
        return new AgentServer(undertow, gateway);
    }

    private static HttpHandler authenticated(String secret, HttpHandler next) {
        byte[] expected = ("Bearer " + secret).getBytes(StandardCharsets.UTF_8);
        return exchange -> {
            String given = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
            if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                exchange.setStatusCode(StatusCodes.UNAUTHORIZED);
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                exchange.getResponseSender().send("{\"kind\":\"unauthorized\",\"message\":\"this agent takes calls "
                        + "only with the cluster's agent secret (Authorization: Bearer ...)\"}");
                return;
            }
            next.handleRequest(exchange);
        };
    }

    /** The port it listens on (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().getFirst().getAddress()).getPort();
    }

    @Override
    public void close() {
        undertow.stop();
        gateway.close();
    }
}
