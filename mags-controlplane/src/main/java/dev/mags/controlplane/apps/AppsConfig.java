package dev.mags.controlplane.apps;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of public URLs.
 *
 * @param domain requests for {@code <sub>.<domain>} go to sandboxes; {@code localhost} by default, whose
 *               subdomains browsers and curl resolve to the loopback address
 * @param urlTemplate how URLs are printed, {@code {sub}} standing for the subdomain (e.g.
 *                    {@code https://{sub}.apps.example.com} behind a TLS-terminating front); null prints
 *                    {@code http://<sub>.<domain>:<port of the listener>}
 * @param listenHost with {@code listenPort}, a listener of the apps' own; null shares the API's (by Host)
 * @param startWait how long a request waits for a sandbox's port to accept connections (after a wake, say)
 *                  before it is answered 503
 * @param maxBodyBytes the largest request body a sandbox is sent
 * @param maxConnectionsPerSandbox requests (and WebSockets) served at once per sandbox; more are answered 503
 * @param tls TLS served on the apps' own listener from a wildcard certificate; null for plain HTTP
 */
public record AppsConfig(String domain, String urlTemplate, String listenHost, int listenPort, Duration startWait,
        long maxBodyBytes, int maxConnectionsPerSandbox, AppsTls tls) {
    public static final Duration DEFAULT_START_WAIT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_BODY = 1L << 30;
    public static final int DEFAULT_MAX_CONNECTIONS = 256;

    public AppsConfig {
        Objects.requireNonNull(domain, "domain");
        domain = domain.toLowerCase(Locale.ROOT);
        if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
            throw new IllegalArgumentException("--apps-domain '" + domain + "' is not a domain name");
        }
        if (urlTemplate != null && !urlTemplate.contains("{sub}")) {
            throw new IllegalArgumentException("--apps-url-template '" + urlTemplate + "' has no {sub} for the subdomain");
        }
        if (startWait == null || startWait.isNegative()) {
            throw new IllegalArgumentException("the apps' start wait must be zero or more");
        }
        if (maxBodyBytes < 1 || maxConnectionsPerSandbox < 1) {
            throw new IllegalArgumentException("the apps' body and connection limits must be at least 1");
        }
        if (tls != null && listenHost == null) {
            throw new IllegalArgumentException("TLS for public URLs needs the apps' own listener: add --apps-listen "
                    + "HOST:PORT (443, say) beside --apps-tls-cert and --apps-tls-key");
        }
    }

    public static AppsConfig defaults() {
        return new AppsConfig("localhost", null, null, 0, DEFAULT_START_WAIT, DEFAULT_MAX_BODY, DEFAULT_MAX_CONNECTIONS, null);
    }

    public boolean ownListener() {
        return listenHost != null;
    }

    public AppsConfig withStartWait(Duration wait) {
        return new AppsConfig(domain, urlTemplate, listenHost, listenPort, wait, maxBodyBytes, maxConnectionsPerSandbox, tls);
    }
}
