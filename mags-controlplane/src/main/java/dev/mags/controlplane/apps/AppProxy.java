package dev.mags.controlplane.apps;

import dev.mags.controlplane.error.ConflictException;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.Sandbox;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves public URLs: a request for {@code <sub>.<apps-domain>} goes to the port of the sandbox that the
 * subdomain names, woken first if it sleeps, and held awake while the request (or WebSocket) lasts. Each request
 * runs on a thread of its own with blocking I/O, so one slow visitor or app stalls nobody else; a sandbox serves
 * at most {@link AppsConfig#maxConnectionsPerSandbox()} at once.
 */
public final class AppProxy implements HttpHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AppProxy.class);
    /** An app that answers nothing for this long (headers, or a body's next bytes) is given up on. */
    static final Duration READ_TIMEOUT = Duration.ofMinutes(10);
    private static final long CONNECT_RETRY_MILLIS = 20;

    private final AppHosts hosts;
    private final AppUrls urls;
    private final AppTargets targets;
    private final AppsConfig config;
    private final SandboxConnections connections;
    /**
     * A thread per request (and per WebSocket direction) while it lasts; idle ones are kept for the next, since
     * starting a platform thread per request took about a third of magsd's CPU for a small request (measured with
     * bench/run's urls client against busybox httpd: 0.72-0.80 ms of CPU per request with a new thread each,
     * 0.42-0.53 ms with reuse).
     */
    private final ExecutorService threads = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("mags-app-", 0).daemon().factory());

    public AppProxy(AppHosts hosts, AppUrls urls, AppTargets targets) {
        this.hosts = hosts;
        this.urls = urls;
        this.targets = targets;
        this.config = urls.config();
        this.connections = new SandboxConnections(config.maxConnectionsPerSandbox());
    }

    /** Whether a request is for a public URL rather than the API. */
    public boolean serves(HttpServerExchange ex) {
        return hosts.subdomain(ex.getRequestHeaders().getFirst(Headers.HOST)).isPresent();
    }

    @Override
    public void handleRequest(HttpServerExchange ex) {
        if (ex.isInIoThread()) {
            ex.dispatch(threads, this);
            return;
        }
        try {
            proxy(ex);
        } catch (RuntimeException e) {
            LOG.error("request for {} failed", host(ex), e);
            AppPages.send(ex, 500, "mags could not serve this request", "Something failed on the server's side; its "
                    + "log says what. Try again in a moment.");
        }
    }

    private void proxy(HttpServerExchange ex) {
        ex.startBlocking();
        ex.setMaxEntitySize(config.maxBodyBytes());
        Optional<String> sub = hosts.subdomain(ex.getRequestHeaders().getFirst(Headers.HOST));
        Optional<AppUrls.Target> target = sub.flatMap(urls::target);
        AppTargets.AppSandbox held = null;
        for (int attempt = 1; held == null; attempt++) {
            if (target.isEmpty() || target.get().ended()) {
                target = sub.flatMap(urls::fresh); // never answer "nothing" or "ended" from what was kept
            }
            if (target.isEmpty()) {
                AppPages.send(ex, 404, "No app here", "Nothing is served at " + host(ex) + ". Check the address; "
                        + "its owner gets URLs with mags url NAME or mags run -p --url.");
                return;
            }
            if (target.get().ended()) {
                AppPages.send(ex, 404, "This app has ended", "The sandbox behind " + host(ex) + " has ended. Its "
                        + "owner can start it again with mags run -w NAME -p --url.");
                return;
            }
            try {
                held = targets.take(target.get().job());
            } catch (ConflictException e) {
                if (attempt == 1) {
                    target = sub.flatMap(urls::fresh); // the job kept may have ended, or an alias moved on
                    continue;
                }
                if (target.get().pending()) {
                    AppPages.send(ex, 503, "Starting", "The sandbox behind " + host(ex) + " is starting; try again in "
                            + "a moment.");
                } else {
                    AppPages.send(ex, 404, "This app has ended", "The sandbox behind " + host(ex) + " is not running.");
                }
                return;
            }
        }
        AppUrls.Target t = target.get();
        serve(ex, t, held);
    }

    private void serve(HttpServerExchange ex, AppUrls.Target t, AppTargets.AppSandbox held) {
        Optional<Runnable> slot = connections.acquire(held.sandbox().id());
        if (slot.isEmpty()) {
            held.release().run();
            AppPages.send(ex, 503, "Too busy", "The app at " + host(ex) + " is serving " + config.maxConnectionsPerSandbox()
                    + " requests already; try again in a moment.");
            return;
        }
        Runnable done = () -> {
            slot.get().run();
            held.release().run();
        };
        boolean webSocket = false;
        boolean[] kept = {false};
        AppConnections.Kept app = null;
        try {
            app = AppConnections.take(ex, held.sandbox(), t.port());
            boolean reused = app != null;
            if (app == null) {
                app = dial(held.sandbox(), t.port());
            }
            if (app == null) {
                AppPages.send(ex, 503, "The app is not listening", "The sandbox behind " + host(ex) + " runs, but "
                        + "nothing accepted connections on its port " + t.port() + " within " + config.startWait().toSeconds()
                        + " s. Its server must listen on port " + t.port() + " (on 0.0.0.0 or 127.0.0.1).");
                return;
            }
            String upgrade = webSocketUpgrade(ex);
            HttpRelay.Answer answer;
            try {
                answer = HttpRelay.send(ex, app.socket(), app.in(), upgrade);
            } catch (IOException e) {
                if (!reused || !bodyless(ex)) {
                    throw e;
                }
                // The app closed the kept connection while it was idle: a request without a body is sent again.
                app.close();
                app = dial(held.sandbox(), t.port());
                if (app == null) {
                    throw e;
                }
                answer = HttpRelay.send(ex, app.socket(), app.in(), upgrade);
            }
            if (upgrade != null && answer.head().status() == 101) {
                app.socket().setSoTimeout(0); // a WebSocket may be quiet for hours; either side closing ends it
                WebSocketRelay.start(ex, app.socket(), answer, threads, done);
                webSocket = true;
                return;
            }
            AppConnections.Kept used = app;
            HttpRelay.answer(ex, answer, () -> {
                AppConnections.keep(ex, used);
                kept[0] = true;
            });
        } catch (ResponseHead.BadResponseException e) {
            AppPages.send(ex, 502, "Bad answer from the app", e.getMessage());
        } catch (AgentException e) {
            AppPages.send(ex, e.code() == AgentErrorCode.NOT_FOUND ? 404 : 502, "This app has ended",
                    "The sandbox behind " + host(ex) + " ended while the request was on its way.");
        } catch (IOException e) {
            // The visitor left, or the app closed or timed out mid-answer: nothing useful can be sent.
            LOG.debug("request to {} ended early: {}", host(ex), e.toString());
            if (!ex.isResponseStarted()) {
                AppPages.send(ex, 502, "The app did not answer", "The connection to the app at " + host(ex)
                        + " failed: " + e.getMessage());
            } else {
                org.xnio.IoUtils.safeClose(ex.getConnection());
            }
        } finally {
            if (!webSocket) {
                if (!kept[0] && app != null) {
                    app.close();
                }
                done.run();
            }
        }
    }

    /** Whether the visitor's request has no body (so that it can be sent again on a fresh connection). */
    private static boolean bodyless(HttpServerExchange ex) {
        return ex.getRequestContentLength() <= 0 && !ex.getRequestHeaders().contains(Headers.TRANSFER_ENCODING);
    }

    /** A new connection to the app's port (see {@link #connect}), with its read timeout and buffered input. */
    private AppConnections.Kept dial(Sandbox sandbox, int port) throws IOException {
        Socket s = connect(sandbox, port);
        if (s == null) {
            return null;
        }
        s.setSoTimeout((int) READ_TIMEOUT.toMillis());
        return new AppConnections.Kept(sandbox, port, s, HttpRelay.input(s));
    }

    /** A connection to the app's port, waiting up to the start wait for it to listen; null if it never did. */
    private Socket connect(Sandbox sandbox, int port) throws IOException {
        long deadline = System.nanoTime() + config.startWait().toNanos();
        for (;;) {
            try {
                return sandbox.connect(port);
            } catch (ConnectException notYet) {
                // fall through to the wait
            } catch (AgentException e) {
                if (e.code() != AgentErrorCode.FROZEN) {
                    throw e;
                }
            }
            if (System.nanoTime() >= deadline) {
                return null;
            }
            try {
                Thread.sleep(CONNECT_RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the app to listen", e);
            }
        }
    }

    /** The protocol of a WebSocket (or other) upgrade the visitor asked for, or null. */
    private static String webSocketUpgrade(HttpServerExchange ex) {
        String upgrade = ex.getRequestHeaders().getFirst(Headers.UPGRADE);
        String connection = ex.getRequestHeaders().getFirst(Headers.CONNECTION);
        if (upgrade == null || connection == null || !connection.toLowerCase(Locale.ROOT).contains("upgrade")) {
            return null;
        }
        return upgrade.equalsIgnoreCase("websocket") ? upgrade : null;
    }

    private static String host(HttpServerExchange ex) {
        String h = ex.getRequestHeaders().getFirst(Headers.HOST);
        return h == null ? "this address" : h;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
