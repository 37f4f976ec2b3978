package dev.mags.sdk;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds a {@link Mags} client; {@link #build()} names every missing or invalid setting at once. */
public final class MagsBuilder {
    private URI baseUrl;
    private String token;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int reconnectAttempts = 8;
    private Duration reconnectBackoff = Duration.ofMillis(250);
    private Duration maxReconnectBackoff = Duration.ofSeconds(5);
    private Duration streamIdleTimeout = Duration.ofSeconds(60);

    MagsBuilder() {}

    /** The server, e.g. {@code http://127.0.0.1:8080} (required). */
    public MagsBuilder baseUrl(URI baseUrl) {
        this.baseUrl = baseUrl;
        return this;
    }

    public MagsBuilder baseUrl(String baseUrl) {
        return baseUrl(baseUrl == null ? null : URI.create(baseUrl));
    }

    /** The API token sent as {@code Authorization: Bearer} (required). */
    public MagsBuilder token(String token) {
        this.token = token;
        return this;
    }

    /** How long to wait for each answer (default 30s). */
    public MagsBuilder requestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
        return this;
    }

    /** How long to wait for a TCP connection (default 10s). */
    public MagsBuilder connectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
        return this;
    }

    /** Reconnections in a row, without receiving anything, before follow gives up (default 8). */
    public MagsBuilder reconnectAttempts(int attempts) {
        this.reconnectAttempts = attempts;
        return this;
    }

    /** Wait before the first reconnection, doubled for each further one up to 5s (default 250ms). */
    public MagsBuilder reconnectBackoff(Duration backoff) {
        this.reconnectBackoff = backoff;
        return this;
    }

    /** A live stream silent for this long, keep-alives included, counts as dropped (default 60s). */
    public MagsBuilder streamIdleTimeout(Duration idleTimeout) {
        this.streamIdleTimeout = idleTimeout;
        return this;
    }

    public Mags build() {
        validate();
        return Mags.create(baseUrl, token, requestTimeout, connectTimeout, reconnectPolicy());
    }

    /**
     * A {@link QuickRun} with these settings: submits, follows and stops inline scripts only, without loading
     * Jackson's data binding.
     */
    public QuickRun buildQuickRun() {
        validate();
        LeanJson json = new LeanJson();
        Transport transport = "http".equals(baseUrl.getScheme())
                ? new SocketTransport(baseUrl, token, requestTimeout, connectTimeout, json, QuickRun.USER_AGENT)
                : new HttpTransport(baseUrl, token, requestTimeout, connectTimeout, json, QuickRun.USER_AGENT);
        return new QuickRun(transport, reconnectPolicy());
    }

    private void validate() {
        List<String> problems = new ArrayList<>();
        if (baseUrl == null) {
            problems.add("baseUrl is required");
        } else if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())
                || baseUrl.getHost() == null) {
            problems.add("baseUrl must be an http:// or https:// URL with a host, got '" + baseUrl + "'");
        } else if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            problems.add("baseUrl must not have a query or fragment, got '" + baseUrl + "'");
        }
        if (token == null || token.isBlank()) {
            problems.add("token is required");
        } else if (!printableAscii(token)) {
            problems.add("token must be printable ASCII without spaces");
        }
        positive(requestTimeout, "requestTimeout", problems);
        positive(connectTimeout, "connectTimeout", problems);
        positive(reconnectBackoff, "reconnectBackoff", problems);
        positive(streamIdleTimeout, "streamIdleTimeout", problems);
        if (reconnectAttempts < 0) {
            problems.add("reconnectAttempts must be >= 0");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot build a Mags client: " + String.join("; ", problems));
        }
    }

    private ReconnectPolicy reconnectPolicy() {
        Duration maxBackoff = reconnectBackoff.compareTo(maxReconnectBackoff) > 0 ? reconnectBackoff : maxReconnectBackoff;
        return new ReconnectPolicy(reconnectAttempts, reconnectBackoff, maxBackoff, streamIdleTimeout);
    }

    /** A loop, not a stream: the CLI's quick path would load the stream classes for this alone. */
    private static boolean printableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < 0x21 || text.charAt(i) > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static void positive(Duration d, String name, List<String> problems) {
        if (d == null || d.isNegative() || d.isZero()) {
            problems.add(name + " must be a positive duration");
        }
    }
}
