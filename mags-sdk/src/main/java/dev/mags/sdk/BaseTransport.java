package dev.mags.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URI;
import java.time.Duration;

/** What both transports share: the server's address, the token, the timeouts, JSON and the failure mapping. */
abstract class BaseTransport implements Transport {
    protected final String baseUrl;
    protected final String token;
    protected final Duration requestTimeout;
    protected final Duration connectTimeout;
    protected final WireJson json;
    protected final String userAgent;
    protected final Failures failures;

    BaseTransport(URI baseUrl, String token, Duration requestTimeout, Duration connectTimeout, WireJson json,
            String userAgent) {
        String url = baseUrl.toString();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
        this.requestTimeout = requestTimeout;
        this.connectTimeout = connectTimeout;
        this.json = json;
        this.userAgent = userAgent;
        this.failures = new Failures(this.baseUrl, json);
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public Duration requestTimeout() {
        return requestTimeout;
    }

    @Override
    public Failures failures() {
        return failures;
    }

    @Override
    public URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    @Override
    public <T> T read(String body, Class<T> type, String what) {
        try {
            return json.read(body, type);
        } catch (JsonProcessingException e) {
            throw new MagsApiException(200, MagsApiException.BAD_RESPONSE,
                    "unreadable " + what + ": " + e.getOriginalMessage(), e);
        }
    }
}
