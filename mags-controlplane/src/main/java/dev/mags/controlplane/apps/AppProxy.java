package dev.mags.controlplane.apps;

import dev.mags.controlplane.error.ConflictException;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.util.Headers;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves public URLs: a request for {@code <sub>.<apps-domain>} goes to the port of the sandbox that the
 * subdomain names, woken first if it sleeps, and held awake while the request (or WebSocket) lasts. A request for
 * an app that runs is passed on by Undertow's proxy without leaving the visitor's I/O thread (non-blocking both
 * ways: one slow visitor or app stalls nobody else); finding an app that is not known to run yet (a store read,
 * a wake) and opening connections into sandboxes happen on threads of {@link #threads}. A sandbox serves at
 * most {@link AppsConfig#maxConnectionsPerSandbox()} requests at once.
 */
public final class AppProxy implements HttpHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AppProxy.class);

    private final AppHosts hosts;
    private final AppUrls urls;
    private final AppTargets targets;
    private final AppsConfig config;
    private final SandboxConnections connections;
    private final ProxyMeters meters;
    /** For what may block: a store read, a wake, a dial into a sandbox (idle threads are kept for the next). */
    private final ExecutorService threads = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("mags-app-", 0).daemon().factory());
    private final ProxyHandler proxy;

    public AppProxy(AppHosts hosts, AppUrls urls, AppTargets targets, io.micrometer.core.instrument.MeterRegistry meters) {
        this.hosts = hosts;
        this.urls = urls;
        this.targets = targets;
        this.config = urls.config();
        this.connections = new SandboxConnections(config.maxConnectionsPerSandbox());
        this.meters = new ProxyMeters(meters);
        this.proxy = ProxyHandler.builder()
                .setProxyClient(new AppBackends(threads, config.startWait().toNanos()))
                .setNext(ResponseCodeHandler.HANDLE_404)
                .setReuseXForwarded(true) // what AppForwarding has set (a front proxy's For and Proto kept)
                .setRewriteHostHeader(false)
                .setMaxConnectionRetries(1) // a kept connection the app closed while idle: one fresh try (idempotent requests)
                .build();
    }

    /** Whether a request is for a public URL rather than the API. */
    public boolean serves(HttpServerExchange ex) {
        return hosts.subdomain(ex.getRequestHeaders().getFirst(Headers.HOST)).isPresent();
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        ex.setMaxEntitySize(config.maxBodyBytes());
        ex.addExchangeCompleteListener((done, next) -> {
            meters.answered(done.getStatusCode());
            next.proceed();
        });
        Optional<String> sub = hosts.subdomain(ex.getRequestHeaders().getFirst(Headers.HOST));
        Optional<AppUrls.Target> kept = sub.flatMap(urls::kept);
        if (kept.isPresent() && !kept.get().ended()) {
            Optional<AppTargets.AppSandbox> awake = targets.takeIfAwake(kept.get().job());
            if (awake.isPresent()) {
                forward(ex, kept.get(), awake.get());
                return;
            }
        }
        ex.dispatch(threads, () -> {
            try {
                resolve(ex, sub);
            } catch (Exception e) {
                LOG.error("request for {} failed", host(ex), e);
                AppPages.send(ex, 500, "mags could not serve this request", "Something failed on the server's side; "
                        + "its log says what. Try again in a moment.");
            }
        });
    }

    /** Finds what the subdomain serves now, wakes it if it sleeps, and forwards the request (may block). */
    private void resolve(HttpServerExchange ex, Optional<String> sub) throws Exception {
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
        forward(ex, target.get(), held);
    }

    /** Takes one of the sandbox's request slots and hands the request to Undertow's proxy. */
    private void forward(HttpServerExchange ex, AppUrls.Target t, AppTargets.AppSandbox held) throws Exception {
        Optional<Runnable> slot = connections.acquire(held.sandbox().id());
        if (slot.isEmpty()) {
            held.release().run();
            AppPages.send(ex, 503, "Too busy", "The app at " + host(ex) + " is serving " + config.maxConnectionsPerSandbox()
                    + " requests already; try again in a moment.");
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                slot.get().run();
                held.release().run();
            }
        };
        boolean webSocket = AppForwarding.webSocket(ex);
        AppBackends.Route route = new AppBackends.Route(held.sandbox(), t.port(), host(ex), webSocket, release);
        ex.putAttachment(AppBackends.ROUTE, route);
        ex.addExchangeCompleteListener((done, next) -> {
            var upgrading = done.removeAttachment(AppBackends.UPGRADING);
            if (!webSocket || upgrading == null) {
                release.run();
            } else if (done.getStatusCode() != 101) {
                org.xnio.IoUtils.safeClose(upgrading); // the app did not take the upgrade: its close releases
            } // else the WebSocket holds the sandbox until its connection to the app closes
            next.proceed();
        });
        ex.addDefaultResponseListener(pageForProxyErrors());
        if (ex.getRequestContentLength() > config.maxBodyBytes()) {
            AppPages.send(ex, 413, "Too large", "Requests to apps may carry at most " + config.maxBodyBytes()
                    + " bytes; this one has " + ex.getRequestContentLength() + ".");
            return;
        }
        if (!HttpContinue.requiresContinueResponse(ex)) {
            AppForwarding.prepare(ex, webSocket);
            proxy.handleRequest(ex);
            return;
        }
        // The visitor waits for 100 Continue before it sends its body (curl does past 1 MB); the proxy answers it,
        // as many apps never do, and the app is not asked.
        HttpContinue.sendContinueResponse(ex, new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange exchange, Sender sender) {
                try {
                    AppForwarding.prepare(exchange, webSocket);
                    proxy.handleRequest(exchange);
                } catch (Exception e) {
                    LOG.error("request for {} failed", host(exchange), e);
                    org.xnio.IoUtils.safeClose(exchange.getConnection());
                }
            }

            @Override
            public void onException(HttpServerExchange exchange, Sender sender, java.io.IOException e) {
                org.xnio.IoUtils.safeClose(exchange.getConnection());
            }
        });
    }

    /** Undertow's proxy ends a request it could not pass on with a bare status; the visitor gets a page instead. */
    private static DefaultResponseListener pageForProxyErrors() {
        return ex -> {
            int status = ex.getStatusCode();
            if (ex.isResponseStarted() || status < 500) {
                return false;
            }
            if (status == 504) {
                AppPages.send(ex, 504, "The app did not answer in time", "The app at " + host(ex) + " took too long.");
            } else {
                AppPages.send(ex, 502, "Bad answer from the app", "The app at " + host(ex) + " closed the connection or "
                        + "sent something that is not an HTTP answer.");
            }
            return true;
        };
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
