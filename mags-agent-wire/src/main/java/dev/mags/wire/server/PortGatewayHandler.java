package dev.mags.wire.server;

import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.wire.WireProtocol;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.UndertowClient;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;

/**
 * The agent's port gateway ({@code PortGateway}): a request carrying the gateway headers and the agent secret is
 * forwarded, headers removed, to the named sandbox's port through Undertow's proxy; the connection into the sandbox
 * is made inside its network ({@code Sandbox.dial}), retried while nothing listens until the wait the caller gives,
 * and kept for the caller connection's next request. Requests without the headers go on to {@code next}.
 */
final class PortGatewayHandler implements HttpHandler, ProxyClient {
    private static final HttpString SANDBOX = new HttpString(WireProtocol.GATEWAY_SANDBOX);
    private static final HttpString PORT = new HttpString(WireProtocol.GATEWAY_PORT);
    private static final HttpString SECRET = new HttpString(WireProtocol.GATEWAY_SECRET);
    private static final HttpString WAIT = new HttpString(WireProtocol.GATEWAY_WAIT);
    private static final long RETRY_MILLIS = 20;
    private static final long MAX_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private record Target(Sandbox sandbox, int port, long deadlineNanos) implements ProxyTarget {}

    private record Kept(Sandbox sandbox, int port, ClientConnection connection) {}

    private static final AttachmentKey<Target> TARGET = AttachmentKey.create(Target.class);
    private static final AttachmentKey<Kept> KEPT = AttachmentKey.create(Kept.class);

    private final Agent agent;
    private final byte[] secret;
    private final HttpHandler next;
    private final ProxyHandler proxy;
    private final ExecutorService dialing = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("agent-gateway-", 0).daemon().factory());
    private final UndertowClient client = UndertowClient.getInstance();
    private final OptionMap options = OptionMap.builder().set(Options.TCP_NODELAY, true).getMap();

    PortGatewayHandler(Agent agent, String secret, HttpHandler next) {
        this.agent = agent;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.next = next;
        this.proxy = ProxyHandler.builder().setProxyClient(this).setNext(ResponseCodeHandler.HANDLE_404)
                .setReuseXForwarded(true).setRewriteHostHeader(false).setMaxConnectionRetries(1).build();
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        HeaderMap headers = ex.getRequestHeaders();
        if (!headers.contains(SANDBOX)) {
            next.handleRequest(ex);
            return;
        }
        String given = headers.getFirst(SECRET);
        if (given == null || !MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
            answer(ex, 401, "this agent's gateway takes requests only with the cluster's agent secret");
            return;
        }
        Sandbox sandbox;
        int port;
        long waitMillis;
        try {
            SandboxId id = SandboxId.of(headers.getFirst(SANDBOX));
            port = Integer.parseInt(headers.getFirst(PORT));
            waitMillis = headers.contains(WAIT) ? Math.min(MAX_WAIT_MILLIS, Long.parseLong(headers.getFirst(WAIT))) : 0;
            sandbox = agent.sandbox(id).orElse(null);
            if (port < 1 || port > 65535 || waitMillis < 0) {
                throw new IllegalArgumentException("port or wait out of range");
            }
        } catch (IllegalArgumentException e) {
            answer(ex, 400, "bad gateway headers: " + e.getMessage());
            return;
        }
        if (sandbox == null) {
            answer(ex, 404, "the sandbox has ended");
            return;
        }
        ex.setMaxEntitySize(-1); // the control plane bounds bodies sent to public URLs
        headers.remove(SANDBOX);
        headers.remove(PORT);
        headers.remove(SECRET);
        headers.remove(WAIT);
        ex.putAttachment(TARGET, new Target(sandbox, port, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis)));
        proxy.handleRequest(ex);
    }

    @Override
    public ProxyTarget findTarget(HttpServerExchange ex) {
        return ex.getAttachment(TARGET);
    }

    @Override
    public void getConnection(ProxyTarget target, HttpServerExchange ex, ProxyCallback<ProxyConnection> callback,
            long timeout, TimeUnit unit) {
        Target t = (Target) target;
        boolean upgrade = ex.getRequestHeaders().contains(Headers.UPGRADE);
        Kept k = ex.getConnection().removeAttachment(KEPT);
        if (k != null) {
            if (!upgrade && k.sandbox() == t.sandbox() && k.port() == t.port() && k.connection().isOpen()) {
                ex.getConnection().putAttachment(KEPT, k);
                callback.completed(ex, new ProxyConnection(k.connection(), "/"));
                return;
            }
            IoUtils.safeClose(k.connection());
        }
        dialing.execute(() -> dial(ex, t, upgrade, callback));
    }

    private void dial(HttpServerExchange ex, Target t, boolean upgrade, ProxyCallback<ProxyConnection> callback) {
        ClientCallback<ClientConnection> connected = new ClientCallback<>() {
            @Override
            public void completed(ClientConnection connection) {
                if (!upgrade) {
                    keep(ex, new Kept(t.sandbox(), t.port(), connection));
                }
                callback.completed(ex, new ProxyConnection(connection, "/"));
            }

            @Override
            public void failed(IOException e) {
                notConnected(ex, t, upgrade, callback, e);
            }
        };
        try {
            t.sandbox().dial(t.port(), address -> {
                client.connect(connected, null, URI.create("http://" + address.getHostString() + ":" + address.getPort()),
                        ex.getIoThread(), null, ex.getConnection().getByteBufferPool(), options);
                return null;
            });
        } catch (IOException e) {
            notConnected(ex, t, upgrade, callback, e);
        } catch (AgentException e) {
            ex.getIoThread().execute(() -> answer(ex, 404, "the sandbox has ended: " + e.getMessage()));
        }
    }

    private void notConnected(HttpServerExchange ex, Target t, boolean upgrade, ProxyCallback<ProxyConnection> callback,
            IOException e) {
        if (e instanceof ConnectException && System.nanoTime() < t.deadlineNanos()) {
            ex.getIoThread().executeAfter(() -> dialing.execute(() -> dial(ex, t, upgrade, callback)), RETRY_MILLIS,
                    TimeUnit.MILLISECONDS);
            return;
        }
        ex.getIoThread().execute(() -> answer(ex, e instanceof ConnectException ? 503 : 502,
                "nothing accepted connections on port " + t.port() + " of the sandbox: " + e.getMessage()));
    }

    private static void keep(HttpServerExchange ex, Kept k) {
        var c = ex.getConnection();
        Kept old = c.putAttachment(KEPT, k);
        if (old == null) {
            c.addCloseListener(closed -> {
                Kept left = closed.removeAttachment(KEPT);
                if (left != null) {
                    IoUtils.safeClose(left.connection());
                }
            });
        } else if (old.connection() != k.connection()) {
            IoUtils.safeClose(old.connection());
        }
    }

    /** A short plain answer; the control plane turns gateway failures into its own pages. */
    private static void answer(HttpServerExchange ex, int status, String message) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        ex.getResponseHeaders().put(new HttpString("Mags-Gateway-Error"), "true");
        ex.getResponseSender().send(message + "\n");
    }

    @Override
    public List<ProxyTarget> getAllTargets() {
        return List.of();
    }

    void close() {
        dialing.shutdownNow();
    }
}
