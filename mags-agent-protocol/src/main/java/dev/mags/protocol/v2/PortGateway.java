package dev.mags.protocol.v2;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Where an HTTP client outside the sandbox's host reaches one of its ports: an HTTP endpoint of the sandbox's agent
 * that forwards each request it gets with {@code headers} to that port (WebSocket upgrades included), retrying the
 * connection while nothing listens there yet.
 *
 * @param uri     the agent's endpoint
 * @param headers to add to every request sent there (they name the sandbox and port, and carry the agent secret);
 *                they replace any of the same names the request had
 */
public record PortGateway(URI uri, Map<String, String> headers) {
    public PortGateway {
        Objects.requireNonNull(uri, "uri");
        headers = Map.copyOf(headers);
    }
}
