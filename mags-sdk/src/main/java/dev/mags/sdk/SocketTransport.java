package dev.mags.sdk;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
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
final class SocketTransport implements Transport {
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    /** A line of the head or of an event stream; a longer one is not the API's. */
    private static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    private final String baseUrl;
    private final String host;
    private final int port;
    private final String basePath;
    private final String token;
    private final String userAgent;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final WireJson json;
    private final Failures failures;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** {@code baseUrl} must be {@code http://}. */
    SocketTransport(URI baseUrl, String token, Duration requestTimeout, Duration connectTimeout, WireJson json,
            String userAgent) {
        String url = baseUrl.toString();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.host = baseUrl.getHost();
        this.port = baseUrl.getPort() < 0 ? 80 : baseUrl.getPort();
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.token = token;
        this.userAgent = userAgent;
        this.requestTimeout = requestTimeout;
        this.connectTimeout = connectTimeout;
        this.json = json;
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
            Response response = send(socket, "GET", path, null, "text/event-stream", headers);
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

    @Override
    public <T> T read(String body, Class<T> type, String what) {
        try {
            return json.read(body, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MagsApiException(200, MagsApiException.BAD_RESPONSE,
                    "unreadable " + what + ": " + e.getOriginalMessage(), e);
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
            Response response = send(socket, method, path, body, "application/json", Map.of());
            status = response.status();
            text = new String(readLimited(response.body()), StandardCharsets.UTF_8);
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

    /** The head of an answer; {@code body} is decoded from chunks or bounded by Content-Length. */
    private record Response(int status, InputStream body) {}

    /** Sends the request in one write and reads the answer's head. */
    private Response send(Socket socket, String method, String path, byte[] body, String accept,
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
        return readHead(new BufferedInputStream(socket.getInputStream()));
    }

    private static Response readHead(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status line: " + statusLine, e);
        }
        Map<String, String> headers = new HashMap<>();
        int total = 0;
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            total += line.length();
            if (total > MAX_HEAD_BYTES) {
                throw new IOException("the answer's headers are too long");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        if (line == null) {
            throw new IOException("the connection closed inside the answer's headers");
        }
        String length = headers.get("content-length");
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            return new Response(status, new ChunkedInput(in));
        }
        if (length != null) {
            int n = parseLength(length);
            byte[] bytes = in.readNBytes(n);
            if (bytes.length != n) {
                throw new IOException("the answer's body ended after " + bytes.length + " of " + n + " bytes");
            }
            return new Response(status, new ByteArrayInputStream(bytes));
        }
        return new Response(status, in);   // up to the end of the connection
    }

    /** One line ending in LF (a CR before it dropped), as UTF-8; {@code null} at the end of the stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return trimCr(line);
            }
            if (line.size() >= MAX_LINE_BYTES) {
                throw new IOException("a line of the answer is longer than " + MAX_LINE_BYTES + " bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : trimCr(line);
    }

    private static String trimCr(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new IOException("the answer's body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        return bytes;
    }

    private static int parseLength(String value) throws IOException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0 || n > MAX_BODY_BYTES) {
                throw new IOException("unexpected Content-Length " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length '" + value + "'", e);
        }
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
