package dev.mags.protocol.v2;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Where an HTTP client outside the sandbox's host reaches one of its ports: an HTTP endpoint of the sandbox's agent
 * that forwards each request it gets with {@code headers} to that port (WebSocket upgrades included), retrying the
 * connection while nothing listens there yet.
 *
 * @param uri     the agent's endpoint ({@code http} or {@code https})
 * @param headers to add to every request sent there (they name the sandbox and port, and carry the agent secret);
 *                they replace any of the same names the request had
 * @param tls     what the agent's certificate is checked against when {@code uri} is {@code https}; null for a
 *                plain {@code http} endpoint
 */
public record PortGateway(URI uri, Map<String, String> headers, SSLContext tls) {
    public PortGateway {
        Objects.requireNonNull(uri, "uri");
        headers = Map.copyOf(headers);
        if ("https".equalsIgnoreCase(uri.getScheme()) && tls == null) {
            throw new IllegalArgumentException("an https gateway needs the TLS context that checks its certificate");
        }
    }

    /** A plain {@code http} endpoint. */
    public PortGateway(URI uri, Map<String, String> headers) {
        this(uri, headers, null);
    }
}
