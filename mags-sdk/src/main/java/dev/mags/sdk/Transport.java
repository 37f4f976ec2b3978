package dev.mags.sdk;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The requests {@link EventFollower}, {@link LogPoller} and {@link QuickRun} send: JSON in and out, failures
 * mapped by {@link Failures}. {@link HttpTransport} ({@code HttpURLConnection}) serves {@link Mags};
 * {@link SocketTransport} (a plain socket per request) serves a {@link QuickRun} against an {@code http://}
 * server.
 */
interface Transport extends AutoCloseable {
    String baseUrl();

    Duration requestTimeout();

    Failures failures();

    URI uri(String path);

    <T> T get(String path, Class<T> answer);

    /** POSTs {@code body} as JSON, never sending it a second time when its answer is lost. */
    <T> T postOnce(String path, Object body, Class<T> answer);

    /** POSTs {@code body} as JSON (or nothing when {@code null}), waiting up to {@code timeout} for the answer. */
    <T> T postWaiting(String path, Object body, Class<T> answer, Duration timeout);

    /**
     * Opens a streaming GET. Connection failures are thrown as they are (the caller decides whether to
     * retry); the answer is returned whatever its status. Closing the body ends it.
     */
    StreamResponse openStream(String path, Map<String, String> headers, Duration timeout) throws IOException;

    /** {@code body} as {@code type}; unreadable, a {@link MagsApiException} naming {@code what}. */
    <T> T read(String body, Class<T> type, String what);

    /** Aborts requests in flight and refuses new ones; harmless to call twice. */
    @Override
    void close();
}
