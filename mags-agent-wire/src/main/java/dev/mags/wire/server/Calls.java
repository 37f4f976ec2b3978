package dev.mags.wire.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.wire.WireError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the agent's server turns calls into answers: blocking handlers on the worker pool, JSON
 * in and out, and every exception as a {@link WireError} with its status.
 */
final class Calls {
    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);
    private final ObjectMapper json;

    Calls(ObjectMapper json) {
        this.json = json;
    }

    /** What a handler returns once it has answered (or upgraded the connection) itself: nothing more is written. */
    static final Object ANSWERED = new Object();

    /** A call whose answer is {@code body}'s value as JSON; null answers 204. */
    interface Body {
        Object answer(HttpServerExchange exchange) throws Exception;
    }

    HttpHandler blocking(Body body) {
        return exchange -> {
            if (exchange.isInIoThread()) {
                exchange.dispatch(() -> run(exchange, body));
                return;
            }
            run(exchange, body);
        };
    }

    private void run(HttpServerExchange exchange, Body body) {
        exchange.startBlocking();
        try {
            Object value = body.answer(exchange);
            if (value != ANSWERED) {
                answer(exchange, value);
            }
        } catch (Exception | Error e) {
            fail(exchange, e);
        } finally {
            exchange.endExchange();
        }
    }

    <T> T read(HttpServerExchange exchange, Class<T> type) throws IOException {
        try (InputStream in = exchange.getInputStream()) {
            return json.readValue(in, type);
        }
    }

    void answer(HttpServerExchange exchange, Object value) throws IOException {
        if (value == null) {
            exchange.setStatusCode(StatusCodes.NO_CONTENT);
            return;
        }
        byte[] body = json.writeValueAsBytes(value);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(body));
    }

    void fail(HttpServerExchange exchange, Throwable e) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        WireError error = WireError.of(cause);
        if (error.kind().equals("internal")) {
            LOG.warn("agent call {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), cause);
        }
        if (exchange.isResponseStarted()) {
            return;
        }
        exchange.setStatusCode(error.status());
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        try {
            exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(json.writeValueAsBytes(error)));
        } catch (IOException io) {
            LOG.debug("could not answer the failure", io);
        }
    }
}
