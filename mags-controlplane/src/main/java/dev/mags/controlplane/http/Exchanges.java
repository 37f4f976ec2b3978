package dev.mags.controlplane.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.PayloadTooLargeException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Deque;

/** Small helpers to read requests and write JSON responses. */
final class Exchanges {
    private Exchanges() {}

    static void sendJson(HttpServerExchange ex, ObjectMapper json, int status, Object body) {
        try {
            ex.setStatusCode(status);
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            ex.getResponseSender().send(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise response", e);
        }
    }

    /** The largest JSON body taken (1 MiB), whatever the listener's limit (which is the uploads'). */
    static final int MAX_JSON_BYTES = 1024 * 1024;

    static <T> T readJson(HttpServerExchange ex, ObjectMapper json, Class<T> type) {
        String contentType = singleHeader(ex, Headers.CONTENT_TYPE);
        if (contentType != null && !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new BadRequestException("unsupported_media_type",
                    "request body must be JSON (Content-Type: application/json), got " + contentType);
        }
        try (InputStream in = ex.getInputStream()) {
            byte[] body = in.readNBytes(MAX_JSON_BYTES + 1);
            if (body.length > MAX_JSON_BYTES) {
                throw new PayloadTooLargeException("request_too_large", "request body is larger than the "
                        + MAX_JSON_BYTES + " bytes this server takes as JSON");
            }
            if (body.length == 0) {
                throw new BadRequestException("invalid_json", "request body is empty; expected a JSON object");
            }
            T value = json.readValue(body, type);
            if (value == null) {
                throw new BadRequestException("invalid_json", "request body must be a JSON object, not null");
            }
            return value;
        } catch (IOException e) {
            if (e instanceof JsonProcessingException jpe) {
                throw JsonInputErrors.of(jpe);
            }
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The value of a header a request may carry once, or null; a second one is refused rather than
     * ignored (which of two Authorization headers counts is exactly what must not be guessed).
     */
    static String singleHeader(HttpServerExchange ex, HttpString name) {
        HeaderValues values = ex.getRequestHeaders().get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw RequestChecks.duplicate(name);
        }
        return values.getFirst();
    }

    static String pathParam(HttpServerExchange ex, String name) {
        Deque<String> values = ex.getQueryParameters().get(name);
        return values == null ? null : values.getFirst();
    }

    static int intParam(HttpServerExchange ex, String name, int defaultValue) {
        String raw = pathParam(ex, name);
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new BadRequestException("invalid_field", "'" + name + "' must be an integer (got '" + raw + "')");
        }
    }

    static long longParam(HttpServerExchange ex, String name, long defaultValue) {
        String raw = pathParam(ex, name);
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new BadRequestException("invalid_field", "'" + name + "' must be an integer (got '" + raw + "')");
        }
    }
}
