package dev.mags.controlplane.apps;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The visitor's request made fit to pass on to a sandbox's server, before Undertow's proxy copies its headers:
 * headers of one hop only are dropped (RFC 9110 7.6.1; the framing of the body and a WebSocket's upgrade are the
 * proxy's to send), and {@code X-Forwarded-*} and {@code Forwarded} say who asked and how. A front proxy's
 * {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are kept (TLS ends there); Undertow's proxy appends the
 * visitor's address to the first.
 */
final class AppForwarding {
    /** Never passed on. Transfer-Encoding is the proxy's (it frames the body it sends), Expect is answered here. */
    private static final Set<String> HOP_BY_HOP = Set.of("keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "expect");
    private static final HttpString FORWARDED = HttpString.tryFromString("Forwarded");

    private AppForwarding() {}

    /** Rewrites the request's headers in place; {@code upgrade} keeps Connection and Upgrade (a WebSocket). */
    static void prepare(HttpServerExchange ex, boolean upgrade) {
        HeaderMap h = ex.getRequestHeaders();
        List<HttpString> drop = new ArrayList<>();
        HeaderValues connection = h.get(Headers.CONNECTION);
        if (connection != null) {
            for (String v : connection) {
                for (String t : v.split(",")) {
                    String name = t.strip();
                    if (!name.isEmpty() && !(upgrade && name.equalsIgnoreCase("upgrade"))) {
                        drop.add(HttpString.tryFromString(name));
                    }
                }
            }
        }
        for (HeaderValues values : h) {
            String lower = values.getHeaderName().toString().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || (!upgrade && (lower.equals("connection") || lower.equals("upgrade")))
                    || lower.equals("forwarded") || lower.equals("x-forwarded-host") || lower.equals("x-forwarded-port")
                    || lower.equals("x-forwarded-server")) {
                drop.add(values.getHeaderName());
            }
        }
        for (HttpString name : drop) {
            if (!name.equals(Headers.TRANSFER_ENCODING) && !name.equals(Headers.CONTENT_LENGTH) && !name.equals(Headers.HOST)) {
                h.remove(name);
            }
        }
        if (upgrade) {
            h.put(Headers.CONNECTION, "Upgrade");
        }
        String host = h.getFirst(Headers.HOST);
        String proto = h.getFirst(Headers.X_FORWARDED_PROTO);
        if (proto == null) {
            proto = ex.getRequestScheme();
            h.put(Headers.X_FORWARDED_PROTO, proto);
        }
        if (host != null) {
            h.put(Headers.X_FORWARDED_HOST, host);
        }
        h.put(Headers.X_FORWARDED_PORT, ex.getHostPort());
        InetSocketAddress peer = ex.getSourceAddress();
        String client = peer == null || peer.getAddress() == null ? "unknown" : peer.getAddress().getHostAddress();
        StringBuilder f = new StringBuilder("for=").append(client.contains(":") ? "\"[" + client + "]\"" : client)
                .append(";proto=").append(proto);
        if (host != null) {
            f.append(";host=\"").append(host.replace("\"", "")).append('"');
        }
        h.put(FORWARDED, f.toString());
    }

    /** Whether the visitor asks for a WebSocket (the one upgrade passed on). */
    static boolean webSocket(HttpServerExchange ex) {
        String upgrade = ex.getRequestHeaders().getFirst(Headers.UPGRADE);
        String connection = ex.getRequestHeaders().getFirst(Headers.CONNECTION);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket") && connection != null
                && connection.toLowerCase(Locale.ROOT).contains("upgrade");
    }
}
