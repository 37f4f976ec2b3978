package dev.mags.controlplane.apps;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The head of the request sent on to a sandbox's server: the visitor's method, target and end-to-end headers,
 * {@code X-Forwarded-*} and {@code Forwarded} saying who asked and how. The connection to the app stays open
 * for the next request of the same visitor's connection only ({@link AppConnections}): nothing of one
 * visitor's exchange can reach another's.
 */
final class RequestHead {
    /** Headers of one hop only (RFC 9110 7.6.1), never passed on; Expect is answered by the proxy itself. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "expect");

    private RequestHead() {}

    /**
     * @param body how the body follows: {@code -1} none, {@code -2} chunked, else its length
     * @param upgrade the protocol asked for ({@code websocket}), or null
     */
    static void write(OutputStream out, HttpServerExchange ex, long body, String upgrade) throws IOException {
        StringBuilder h = new StringBuilder(512);
        h.append(ex.getRequestMethod()).append(' ').append(target(ex)).append(" HTTP/1.1\r\n");
        Set<String> named = connectionTokens(ex);
        for (var values : ex.getRequestHeaders()) {
            String name = values.getHeaderName().toString();
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || named.contains(lower) || lower.equals("content-length")
                    || lower.startsWith("x-forwarded-") || lower.equals("forwarded")) {
                continue;
            }
            for (String v : values) {
                h.append(name).append(": ").append(v).append("\r\n");
            }
        }
        forwarded(h, ex);
        if (body >= 0) {
            h.append("Content-Length: ").append(body).append("\r\n");
        } else if (body == -2) {
            h.append("Transfer-Encoding: chunked\r\n");
        }
        if (upgrade != null) {
            h.append("Connection: Upgrade\r\nUpgrade: ").append(upgrade).append("\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The request target as the visitor sent it, in origin form (a proxy's absolute form loses its host). */
    private static String target(HttpServerExchange ex) {
        String uri = ex.getRequestURI();
        if (ex.isHostIncludedInRequestURI()) {
            int slash = uri.indexOf('/', uri.indexOf("://") + 3);
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        if (uri.isEmpty()) {
            uri = "/";
        }
        String q = ex.getQueryString();
        return q == null || q.isEmpty() ? uri : uri + "?" + q;
    }

    private static Set<String> connectionTokens(HttpServerExchange ex) {
        HeaderValues c = ex.getRequestHeaders().get(Headers.CONNECTION);
        if (c == null) {
            return Set.of();
        }
        java.util.HashSet<String> tokens = new java.util.HashSet<>();
        for (String v : c) {
            for (String t : v.split(",")) {
                tokens.add(t.strip().toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }

    /**
     * Who asked: the visitor's address appended to any {@code X-Forwarded-For} a front proxy set, the Host they
     * asked for, and the scheme (a front's {@code X-Forwarded-Proto} kept: TLS ends there).
     */
    private static void forwarded(StringBuilder h, HttpServerExchange ex) {
        InetSocketAddress peer = ex.getSourceAddress();
        String client = peer == null ? "unknown" : peer.getAddress().getHostAddress();
        String prior = ex.getRequestHeaders().getFirst("X-Forwarded-For");
        String proto = ex.getRequestHeaders().getFirst("X-Forwarded-Proto");
        if (proto == null) {
            proto = ex.getRequestScheme();
        }
        String host = ex.getRequestHeaders().getFirst(Headers.HOST);
        h.append("X-Forwarded-For: ").append(prior == null ? client : prior + ", " + client).append("\r\n");
        h.append("X-Forwarded-Proto: ").append(proto).append("\r\n");
        if (host != null) {
            h.append("X-Forwarded-Host: ").append(host).append("\r\n");
        }
        h.append("X-Forwarded-Port: ").append(ex.getHostPort()).append("\r\n");
        h.append("Forwarded: for=").append(client.contains(":") ? "\"[" + client + "]\"" : client)
                .append(";proto=").append(proto);
        if (host != null) {
            h.append(";host=\"").append(host.replace("\"", "")).append('"');
        }
        h.append("\r\n");
    }
}
