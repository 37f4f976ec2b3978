package dev.mags.sdk;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP/1.1 over a plain socket, one request per connection, for a {@link QuickRun} against an
 * {@code http://} server. Measured on the CLI with its ahead-of-time cache, {@code HttpURLConnection}'s
 * first request costs about 16 ms more than this (its protocol-handler and logger look-ups scan every jar
 * on the class path), a sixth of a short {@code mags run}. It speaks only what the API's answers use
 * (Content-Length, chunked, or a body up to the end of the connection); failures are mapped as
 * {@link HttpTransport}'s are, and a request is never sent twice.
 */
final class SocketTransport extends BaseTransport {
    private final String host;
    private final int port;
    private final String basePath;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** {@code baseUrl} must be {@code http://}. */
    SocketTransport(URI baseUrl, String token, Duration requestTimeout, Duration connectTimeout, WireJson json,
            String userAgent) {
        super(baseUrl, token, requestTimeout, connectTimeout, json, userAgent);
        this.host = baseUrl.getHost();
        this.port = baseUrl.getPort() < 0 ? 80 : baseUrl.getPort();
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    @Override
    public <T> T get(String path, Class<T> answer) {
        return exchange("GET", path, null, answer, requestTimeout);
    }

    @Override
    public <T> T postOnce(String path, Object body, Class<T> answer) {
        return exchange("POST", path, toJson(body), answer, requestTimeout);
    }

    @Override
    public <T> T postWaiting(String path, Object body, Class<T> answer, Duration timeout) {
        return exchange("POST", path, body == null ? new byte[0] : toJson(body), answer, timeout);
    }

    @Override
    public StreamResponse openStream(String path, Map<String, String> headers, Duration timeout) throws IOException {
        Socket socket = connect(timeout);
        try {
            HttpAnswer response = send(socket, "GET", path, null, "text/event-stream", headers);
            return new StreamResponse(response.status(), new FilterInputStream(response.body()) {
                @Override
                public void close() throws IOException {
                    release(socket);
                }
            });
        } catch (IOException | RuntimeException e) {
            release(socket);
            throw e;
        }
    }

    private <T> T exchange(String method, String path, byte[] body, Class<T> answer, Duration timeout) {
        URI uri = uri(path);
        Socket socket;
        try {
            socket = connect(timeout);   // a failure here means the request was never sent
        } catch (IOException e) {
            throw failures.ioFailure(method, uri, e, timeout);
        }
        int status;
        String text;
        try {
            HttpAnswer response = send(socket, method, path, body, "application/json", Map.of());
            status = response.status();
            text = new String(HttpAnswer.readLimited(response.body()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw method.equals("GET") ? failures.ioFailure(method, uri, e, timeout)
                    : failures.unanswered(method, uri, e, timeout);
        } finally {
            release(socket);
        }
        if (status < 200 || status > 299) {
            throw failures.httpError(method, uri, status, text);
        }
        return read(text, answer, "answer to " + method + " " + uri);
    }

    private Socket connect(Duration timeout) throws IOException {
        if (closed) {
            throw new IOException("the client is closed");
        }
        // Direct, as the old CLI client connected: no proxy selection (its set-up reads the JDK's net.properties).
        Socket socket = new Socket(Proxy.NO_PROXY);
        open.add(socket);
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), millis(connectTimeout));
            socket.setSoTimeout(millis(timeout));
            return socket;
        } catch (IOException e) {
            release(socket);
            throw e;
        }
    }

    private void release(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is asked of it
        }
    }

    /** Sends the request in one write and reads the answer's head. */
    private HttpAnswer send(Socket socket, String method, String path, byte[] body, String accept,
            Map<String, String> headers) throws IOException {
        StringBuilder head = new StringBuilder(256)
                .append(method).append(' ').append(basePath).append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Authorization: Bearer ").append(token).append("\r\n")
                .append("Accept: ").append(accept).append("\r\n")
                .append("User-Agent: ").append(userAgent).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            if (body.length > 0) {
                head.append("Content-Type: application/json\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream request = new ByteArrayOutputStream(head.length() + (body == null ? 0 : body.length));
        request.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            request.write(body);
        }
        OutputStream out = socket.getOutputStream();
        request.writeTo(out);
        out.flush();
        return HttpAnswer.read(new BufferedInputStream(socket.getInputStream()));
    }

    private byte[] toJson(Object body) {
        try {
            return json.write(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static int millis(Duration d) {
        return d == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    @Override
    public void close() {
        closed = true;
        for (Socket socket : open) {
            release(socket);
        }
    }
}
