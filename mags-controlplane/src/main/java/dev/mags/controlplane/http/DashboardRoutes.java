package dev.mags.controlplane.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * The dashboard: one page and its script and style, served from the jar at the paths of its views (each loads the
 * same page, whose script shows the view of its path). It signs in with an API token kept in the tab and calls the
 * API with it, so these routes need none. Every answer forbids inline script, framing and content sniffing.
 */
final class DashboardRoutes {
    static final List<String> PAGES = List.of("/", "/jobs", "/jobs/{id}", "/tokens", "/workspaces", "/urls", "/cron",
            "/usage");
    static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private record Asset(String type, ByteBuffer bytes) {}

    private final Map<String, Asset> assets = Map.of(
            "page", load("index.html", "text/html; charset=utf-8"),
            "/assets/app.js", load("app.js", "text/javascript; charset=utf-8"),
            "/assets/app.css", load("app.css", "text/css; charset=utf-8"));

    private static Asset load(String name, String type) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is missing from the jar");
            }
            return new Asset(type, ByteBuffer.wrap(in.readAllBytes()).asReadOnlyBuffer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds the dashboard's GET routes to {@code router}. */
    void addTo(RoutingHandler router) {
        for (String page : PAGES) {
            router.get(page, ex -> send(ex, assets.get("page")));
        }
        for (String path : List.of("/assets/app.js", "/assets/app.css")) {
            router.get(path, ex -> send(ex, assets.get(path)));
        }
    }

    private static void send(HttpServerExchange ex, Asset asset) {
        ex.setStatusCode(StatusCodes.OK);
        var headers = ex.getResponseHeaders();
        headers.put(Headers.CONTENT_TYPE, asset.type());
        headers.put(Headers.CACHE_CONTROL, "no-cache");
        headers.put(HttpString.tryFromString("Content-Security-Policy"), SECURITY_POLICY);
        headers.put(HttpString.tryFromString("X-Content-Type-Options"), "nosniff");
        headers.put(HttpString.tryFromString("X-Frame-Options"), "DENY");
        headers.put(HttpString.tryFromString("Referrer-Policy"), "no-referrer");
        ex.getResponseSender().send(asset.bytes().duplicate());
    }
}
