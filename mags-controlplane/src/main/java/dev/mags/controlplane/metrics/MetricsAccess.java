package dev.mags.controlplane.metrics;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may read {@code /metrics}: callers on a loopback address always; others only with
 * {@code Authorization: Bearer <token>} when the operator set a metrics token. The peer's address is the TCP
 * peer's, never a forwarded-for header (a reverse proxy on the same host makes every caller loopback: set a
 * token and let the proxy refuse {@code /metrics}, or do not proxy it).
 *
 * @param token the bearer token remote scrapers must send; null when remote scraping is off
 */
public record MetricsAccess(String token) {
    public static final MetricsAccess LOOPBACK_ONLY = new MetricsAccess(null);

    public MetricsAccess {
        if (token != null && token.length() < 16) {
            throw new IllegalArgumentException("the metrics token must be at least 16 characters "
                    + "(e.g. openssl rand -hex 24)");
        }
    }

    /** Whether a request from {@code peer} carrying this Authorization header value may read the metrics. */
    public boolean allows(InetAddress peer, String authorization) {
        if (peer != null && peer.isLoopbackAddress()) {
            return true;
        }
        if (token == null || authorization == null) {
            return false;
        }
        String expected = "Bearer " + token;
        // Constant time, so the answer's timing does not reveal how much of a guess was right.
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                authorization.trim().getBytes(StandardCharsets.UTF_8));
    }
}
