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
import java.util.stream.Collectors;

/**
 * The dashboard: one page and its script (ES modules) and style, served from the jar at the paths of its views (each loads the
 * same page, whose script shows the view of its path). It signs in with an API token kept in the tab and calls the
 * API with it, so these routes need none. Every answer forbids inline script, framing and content sniffing.
 */
final class DashboardRoutes {
    static final List<String> PAGES = List.of("/", "/jobs", "/jobs/{id}", "/tokens", "/workspaces", "/urls", "/cron",
            "/usage", "/admin");
    /** The script's modules (app.js imports the others) and the style sheet, under {@code /assets/}. */
    static final List<String> ASSETS = List.of("app.js", "dom.js", "jobs.js", "tokens.js", "workspaces.js", "cron.js",
            "usage.js", "admin.js", "app.css");
    static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private record Asset(String type, ByteBuffer bytes) {}

    private final Asset page = load("index.html", "text/html; charset=utf-8");
    private final Map<String, Asset> assets = ASSETS.stream().collect(Collectors.toUnmodifiableMap(
            name -> "/assets/" + name,
            name -> load(name, name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8")));

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
        for (String path : PAGES) {
            router.get(path, ex -> send(ex, page));
        }
        assets.forEach((path, asset) -> router.get(path, ex -> send(ex, asset)));
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
