package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.error.ForbiddenException;
import dev.mags.controlplane.metrics.Metrics;
import dev.mags.controlplane.metrics.MetricsAccess;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics} for Prometheus, and the timing of every other route. Not behind API tokens: scrapers
 * are let in by address or by the operator's metrics token ({@link MetricsAccess}).
 */
final class MetricsRoute {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Metrics metrics;
    private final MetricsAccess access;

    private final ObjectMapper json;

    MetricsRoute(Metrics metrics, MetricsAccess access, ObjectMapper json) {
        this.metrics = metrics;
        this.access = access;
        this.json = json;
    }

    void handle(HttpServerExchange ex) {
        InetSocketAddress peer = ex.getSourceAddress();
        String authorization = Exchanges.singleHeader(ex, Headers.AUTHORIZATION);
        if (!access.allows(peer == null ? null : peer.getAddress(), authorization)) {
            throw new ForbiddenException("metrics_forbidden", access.token() == null
                    ? "/metrics answers loopback callers only; the operator can allow remote scrapers with "
                            + "'magsd serve --metrics-token-file FILE'"
                    : "/metrics needs 'Authorization: Bearer <metrics token>' from a non-loopback address");
        }
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, CONTENT_TYPE);
        ex.getResponseSender().send(metrics.scrape(), StandardCharsets.UTF_8);
    }

    /**
     * {@code GET /api/v1/server-stats}: the same numbers as JSON for an admin's API token (the dashboard's admin
     * view), so that an admin sees them from any address without {@code /metrics}' own access rule changing.
     */
    void serverStats(HttpServerExchange ex, Principal who) {
        if (!who.admin()) {
            throw new ForbiddenException("the server's numbers need an admin's token; yours is of user '"
                    + who.userName() + "', who is not an admin");
        }
        Exchanges.sendJson(ex, json, StatusCodes.OK, metrics.serverStats());
    }

    /** {@code handler}, recording each request's method, route template, status and time when it completes. */
    HttpHandler timed(String method, String route, HttpHandler handler) {
        return ex -> {
            long start = System.nanoTime();
            ex.addExchangeCompleteListener((done, next) -> {
                try {
                    metrics.httpRequest(method, route, done.getStatusCode(),
                            java.time.Duration.ofNanos(System.nanoTime() - start));
                } finally {
                    next.proceed();
                }
            });
            handler.handleRequest(ex);
        };
    }
}
