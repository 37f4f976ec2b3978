package dev.mags.controlplane.apps;

import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.PortGateway;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.wire.WireProtocol;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.UndertowClient;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.ssl.XnioSsl;

/**
 * Connections from the proxy to sandboxes' ports, for Undertow's proxy: non-blocking, on the visitor's I/O thread,
 * each kept for the next request of the same visitor's connection (HTTP keep-alive on both sides) and never shared
 * with another visitor. A new one is opened inside the sandbox's network ({@link Sandbox#dial}; no port of a
 * sandbox is bound on the host), off the I/O thread, and tried again every {@link #RETRY_MILLIS} ms while nothing
 * listens yet (a server starting after a wake), up to the start wait.
 */
final class AppBackends implements ProxyClient {
    /** What a request is sent to: set by {@link AppProxy} before it hands the request to Undertow's proxy. */
    record Route(Sandbox sandbox, int port, String host, boolean webSocket, Runnable release) implements ProxyTarget {}

    static final AttachmentKey<Route> ROUTE = AttachmentKey.create(Route.class);
    /** A WebSocket's connection to the app, on its exchange: closed when the app did not take the upgrade. */
    static final AttachmentKey<ClientConnection> UPGRADING = AttachmentKey.create(ClientConnection.class);
    private static final long RETRY_MILLIS = 20;
    private static final HttpString GATEWAY_WAIT = new HttpString(WireProtocol.GATEWAY_WAIT);
    /** An app that sends nothing for this long while an answer is due (or a body's next bytes) is given up on. */
    static final int READ_TIMEOUT_MILLIS = (int) TimeUnit.MINUTES.toMillis(10);

    private record Kept(Sandbox sandbox, int port, ClientConnection connection) {}

    private static final AttachmentKey<Kept> KEPT = AttachmentKey.create(Kept.class);
    private static final AttachmentKey<Boolean> WATCHED = AttachmentKey.create(Boolean.class);

    private final Executor dialing;
    private final long startWaitNanos;
    private final UndertowClient client = UndertowClient.getInstance();
    private final Map<SSLContext, XnioSsl> tlsByContext = new ConcurrentHashMap<>();
    private final OptionMap options = OptionMap.builder().set(Options.TCP_NODELAY, true)
            .set(Options.READ_TIMEOUT, READ_TIMEOUT_MILLIS).getMap();

    AppBackends(Executor dialing, long startWaitNanos) {
        this.dialing = dialing;
        this.startWaitNanos = startWaitNanos;
    }

    @Override
    public ProxyTarget findTarget(HttpServerExchange ex) {
        return ex.getAttachment(ROUTE);
    }

    @Override
    public void getConnection(ProxyTarget target, HttpServerExchange ex, ProxyCallback<ProxyConnection> callback,
            long timeout, TimeUnit unit) {
        Route route = (Route) target;
        Optional<PortGateway> gateway = route.sandbox().gateway(route.port());
        gateway.ifPresent(g -> viaGateway(ex, g));
        if (!route.webSocket()) {
            Kept k = ex.getConnection().removeAttachment(KEPT);
            if (k != null) {
                if (k.sandbox() == route.sandbox() && k.port() == route.port() && k.connection().isOpen()) {
                    ex.getConnection().putAttachment(KEPT, k);
                    callback.completed(ex, new ProxyConnection(k.connection(), "/"));
                    return;
                }
                IoUtils.safeClose(k.connection()); // another app's, or a sandbox that has been replaced
            }
        }
        open(ex, route, callback, System.nanoTime() + startWaitNanos);
    }

    /** A new connection to the route's port: through its agent's gateway, or dialled here inside the sandbox. */
    private void open(HttpServerExchange ex, Route route, ProxyCallback<ProxyConnection> callback, long deadline) {
        Optional<PortGateway> gateway = route.sandbox().gateway(route.port());
        if (gateway.isPresent()) {
            // a sandbox on another host: its agent's gateway dials the port there, retrying as dial() does here
            client.connect(connected(ex, route, callback, deadline), null, gateway.get().uri(), ex.getIoThread(),
                    tls(gateway.get()), ex.getConnection().getByteBufferPool(), options);
            return;
        }
        dialing.execute(() -> dial(ex, route, callback, deadline));
    }

    /** TLS to an {@code https} gateway, made once per context (the cluster has one); null for plain HTTP. */
    private XnioSsl tls(PortGateway gateway) {
        SSLContext context = gateway.tls();
        return context == null ? null
                : tlsByContext.computeIfAbsent(context, c -> new UndertowXnioSsl(Xnio.getInstance(), OptionMap.EMPTY, c));
    }

    /** The gateway's headers on the request (replacing any a visitor sent), and how long it may wait for the port. */
    private void viaGateway(HttpServerExchange ex, PortGateway gateway) {
        var headers = ex.getRequestHeaders();
        gateway.headers().forEach((name, value) -> headers.put(new HttpString(name), value));
        headers.put(GATEWAY_WAIT, Long.toString(TimeUnit.NANOSECONDS.toMillis(startWaitNanos)));
    }

    /** Opens a connection inside the sandbox (blocking for the moment that takes, so never on an I/O thread). */
    private void dial(HttpServerExchange ex, Route route, ProxyCallback<ProxyConnection> callback, long deadline) {
        ClientCallback<ClientConnection> connected = connected(ex, route, callback, deadline);
        try {
            route.sandbox().dial(route.port(), address -> {
                client.connect(connected, null, URI.create("http://" + address.getHostString() + ":" + address.getPort()),
                        ex.getIoThread(), null, ex.getConnection().getByteBufferPool(), options);
                return null;
            });
        } catch (IOException e) {
            notConnected(ex, route, callback, deadline, e);
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.FROZEN) {
                notConnected(ex, route, callback, deadline, new ConnectException("the sandbox is frozen"));
            } else {
                ex.getIoThread().execute(() -> AppPages.send(ex, e.code() == AgentErrorCode.NOT_FOUND ? 404 : 502,
                        "This app has ended", "The sandbox behind " + route.host() + " ended while the request was on "
                                + "its way."));
            }
        }
    }

    private ClientCallback<ClientConnection> connected(HttpServerExchange ex, Route route,
            ProxyCallback<ProxyConnection> callback, long deadline) {
        return new ClientCallback<>() {
            @Override
            public void completed(ClientConnection connection) {
                if (route.webSocket()) {
                    // The sandbox stays held while the WebSocket lasts: until this connection closes.
                    connection.addCloseListener(c -> route.release().run());
                    ex.putAttachment(UPGRADING, connection);
                } else {
                    keep(ex, new Kept(route.sandbox(), route.port(), connection));
                }
                callback.completed(ex, new ProxyConnection(connection, "/"));
            }

            @Override
            public void failed(IOException e) {
                notConnected(ex, route, callback, deadline, e);
            }
        };
    }

    /** Nothing listens yet (or the sandbox is frozen a moment): tries again soon, until the deadline. */
    private void notConnected(HttpServerExchange ex, Route route, ProxyCallback<ProxyConnection> callback, long deadline,
            IOException e) {
        if (e instanceof ConnectException && System.nanoTime() < deadline) {
            ex.getIoThread().executeAfter(() -> open(ex, route, callback, deadline), RETRY_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        ex.getIoThread().execute(() -> {
            if (e instanceof ConnectException) {
                AppPages.send(ex, 503, "The app is not listening", "The sandbox behind " + route.host() + " runs, but "
                        + "nothing accepted connections on its port " + route.port() + " within "
                        + TimeUnit.NANOSECONDS.toSeconds(startWaitNanos) + " s. Its server must listen on port "
                        + route.port() + " (on 0.0.0.0 or 127.0.0.1).");
            } else {
                AppPages.send(ex, 502, "The app did not answer", "The connection to the app at " + route.host()
                        + " failed: " + e.getMessage());
            }
        });
    }

    /** Keeps a connection for the visitor's next request; it closes with the visitor's connection. */
    private static void keep(HttpServerExchange ex, Kept k) {
        ServerConnection c = ex.getConnection();
        if (c.putAttachment(WATCHED, Boolean.TRUE) == null) {
            c.addCloseListener(closed -> {
                Kept left = closed.removeAttachment(KEPT);
                if (left != null) {
                    IoUtils.safeClose(left.connection());
                }
            });
        }
        Kept old = c.putAttachment(KEPT, k);
        if (old != null) {
            IoUtils.safeClose(old.connection());
        }
        if (!c.isOpen()) {
            Kept left = c.removeAttachment(KEPT);
            if (left != null) {
                IoUtils.safeClose(left.connection());
            }
        }
    }

    @Override
    public List<ProxyTarget> getAllTargets() {
        return List.of();
    }
}
