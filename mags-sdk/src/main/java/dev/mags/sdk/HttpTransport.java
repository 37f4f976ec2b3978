package dev.mags.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Sends the API's requests: authentication, JSON in and out, and mapping failures to exceptions. */
final class HttpTransport implements AutoCloseable {
    private static final String USER_AGENT = "mags-java-sdk";

    private final HttpClient client;
    private final String baseUrl;
    private final String token;
    private final Duration requestTimeout;
    private final ObjectMapper json;
    private final Failures failures;

    HttpTransport(HttpClient client, URI baseUrl, String token, Duration requestTimeout, ObjectMapper json) {
        this.client = client;
        this.baseUrl = stripTrailingSlash(baseUrl.toString());
        this.token = token;
        this.requestTimeout = requestTimeout;
        this.json = json;
        this.failures = new Failures(this.baseUrl, json);
    }

    String baseUrl() {
        return baseUrl;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    Failures failures() {
        return failures;
    }

    <T> T get(String path, Class<T> answer) {
        return exchange(request(path, requestTimeout).GET().build(), answer);
    }

    <T> T delete(String path, Class<T> answer) {
        return exchange(request(path, requestTimeout).DELETE().build(), answer);
    }

    /** POSTs {@code body} as JSON, or an empty body when it is {@code null}. */
    <T> T post(String path, Object body, Class<T> answer) {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(toJson(body));
        HttpRequest.Builder builder = request(path, requestTimeout).POST(publisher);
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        return exchange(builder.build(), answer);
    }

    /**
     * Opens a streaming GET. Connection failures are thrown as they are (the caller decides
     * whether to retry); the answer is returned whatever its status.
     */
    HttpResponse<InputStream> openStream(String path, Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = request(path, timeout).GET().setHeader("Accept", "text/event-stream");
        headers.forEach(builder::header);
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    <T> T read(String body, Class<T> type, String what) {
        try {
            return json.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new MagsApiException(200, MagsApiException.BAD_RESPONSE,
                    "unreadable " + what + ": " + e.getOriginalMessage(), e);
        }
    }

    URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT);
    }

    private <T> T exchange(HttpRequest request, Class<T> answer) {
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw failures.ioFailure(request.method(), request.uri(), e, request.timeout().orElse(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failures.interrupted(request.method(), request.uri(), e);
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw failures.httpError(request.method(), request.uri(), status, response.body());
        }
        return read(response.body(), answer, "answer to " + request.method() + " " + request.uri());
    }

    private byte[] toJson(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Aborts requests in flight and refuses new ones; harmless to call twice. */
    @Override
    public void close() {
        client.shutdownNow();
    }
}
