package dev.mags.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends the API's requests: authentication, JSON in and out, and mapping failures to exceptions.
 * Built on {@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: a short-lived
 * CLI pays about 200 ms to start the latter (selector thread, TLS set-up even for plain http) and
 * under 40 ms for the former, which also keeps connections alive between calls.
 */
final class HttpTransport extends BaseTransport {
    private final Set<HttpURLConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    HttpTransport(URI baseUrl, String token, Duration requestTimeout, Duration connectTimeout, WireJson json,
            String userAgent) {
        super(baseUrl, token, requestTimeout, connectTimeout, json, userAgent);
    }

    @Override
    public <T> T get(String path, Class<T> answer) {
        return exchange("GET", path, null, answer);
    }

    /** POSTs {@code body} as JSON, or an empty body when it is {@code null}. */
    <T> T post(String path, Object body, Class<T> answer) {
        return exchange("POST", path, body == null ? new byte[0] : toJson(body), answer);
    }

    /** POSTs {@code body} as JSON exactly once (as every request with a body is: see {@link #exchange}). */
    @Override
    public <T> T postOnce(String path, Object body, Class<T> answer) {
        return exchange("POST", path, toJson(body), answer, requestTimeout);
    }

    /** A POST that may take long on the server (a sync of a large workspace): waits up to {@code timeout}. */
    @Override
    public <T> T postWaiting(String path, Object body, Class<T> answer, Duration timeout) {
        return exchange("POST", path, body == null ? new byte[0] : toJson(body), answer, timeout);
    }

    /**
     * PATCHes {@code body} as JSON: a POST with {@code X-HTTP-Method-Override: PATCH}, since
     * {@link HttpURLConnection} refuses the PATCH method.
     */
    <T> T patch(String path, Object body, Class<T> answer) {
        return exchange("PATCH", path, toJson(body), answer);
    }

    /**
     * POSTs one file as {@code multipart/form-data} (field {@code file}), streamed from {@code data} in 64 KiB
     * steps, never held whole; {@code sent} hears the file's bytes sent so far after each step.
     */
    <T> T upload(String path, String fileName, InputStream data, long size, java.util.function.LongConsumer sent,
            Class<T> answer, Duration timeout) {
        String boundary = "mags-" + java.util.UUID.randomUUID();
        String safeName = fileName.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\r\\n]", "_");
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + safeName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        URI uri = uri(path);
        HttpURLConnection c = null;
        int status;
        String text;
        boolean mayHaveArrived = false;
        try {
            c = connect("POST", path, timeout);
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "multipart/form-data; boundary=" + boundary);
            c.setFixedLengthStreamingMode(head.length + size + tail.length);
            c.connect();
            mayHaveArrived = true;
            try (OutputStream out = c.getOutputStream()) {
                out.write(head);
                byte[] buf = new byte[64 * 1024];
                long done = 0;
                for (int n; done < size && (n = data.read(buf, 0, (int) Math.min(buf.length, size - done))) >= 0; ) {
                    out.write(buf, 0, n);
                    done += n;
                    sent.accept(done);
                }
                if (done != size) {
                    throw new IOException(fileName + " changed while it was sent: " + done + " bytes instead of " + size);
                }
                out.write(tail);
            }
            status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            text = in == null ? "" : readFully(in);
        } catch (java.net.HttpRetryException e) {
            // streaming mode cannot answer an authentication challenge: the server refused the token
            throw failures.refusedToken("POST", uri, e.responseCode());
        } catch (IOException e) {
            throw mayHaveArrived ? failures.unanswered("POST", uri, e, timeout) : failures.ioFailure("POST", uri, e, timeout);
        } finally {
            if (c != null) {
                open.remove(c);
            }
        }
        if (status == 401 && text.isEmpty()) {
            throw failures.refusedToken("POST", uri, status);
        }
        if (status < 200 || status > 299) {
            throw failures.httpError("POST", uri, status, text);
        }
        return read(text, answer, "answer to POST " + uri);
    }

    <T> T delete(String path, Class<T> answer) {
        return exchange("DELETE", path, null, answer);
    }

    /**
     * Opens a streaming GET. Connection failures are thrown as they are (the caller decides
     * whether to retry); the answer is returned whatever its status. Closing the body ends it.
     */
    @Override
    public StreamResponse openStream(String path, Map<String, String> headers, Duration timeout) throws IOException {
        HttpURLConnection c = connect("GET", path, timeout);
        c.setRequestProperty("Accept", "text/event-stream");
        // Not kept alive: closing a kept-alive chunked body drains it, which for an endless stream
        // would wait for the server; without keep-alive closing closes the socket.
        c.setRequestProperty("Connection", "close");
        headers.forEach(c::setRequestProperty);
        int status = c.getResponseCode();
        InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
        InputStream stream = body == null ? InputStream.nullInputStream() : body;
        return new StreamResponse(status, new java.io.FilterInputStream(stream) {
            @Override
            public void close() throws IOException {
                open.remove(c);
                c.disconnect();
                try {
                    super.close();
                } catch (IOException ignored) {
                    // the socket is gone already
                }
            }
        });
    }

    /**
     * POSTs {@code body} as JSON asking for {@code accept}, and opens the answer as a stream read as it arrives
     * (no read timeout: a quiet command may print nothing for long). An error status is thrown as the API error;
     * a failure after the request may have arrived is thrown as an unknown outcome. Closing the body ends it.
     */
    StreamResponse postStream(String path, Object body, String accept) {
        URI uri = uri(path);
        HttpURLConnection c = null;
        boolean mayHaveArrived = false;
        try {
            c = connect("POST", path, null);
            c.setRequestProperty("Accept", accept);
            c.setRequestProperty("Content-Type", "application/json");
            c.setRequestProperty("Connection", "close");
            c.setDoOutput(true);
            byte[] json = toJson(body);
            c.setFixedLengthStreamingMode(json.length); // sent once: a command is never run twice (see exchange)
            c.connect();
            mayHaveArrived = true;
            try (OutputStream out = c.getOutputStream()) {
                out.write(json);
            }
            int status = c.getResponseCode();
            if (status < 200 || status > 299) {
                InputStream err = c.getErrorStream();
                String text = err == null ? "" : readFully(err);
                open.remove(c);
                throw status == 401 && text.isEmpty() ? failures.refusedToken("POST", uri, status)
                        : failures.httpError("POST", uri, status, text);
            }
            HttpURLConnection opened = c;
            return new StreamResponse(status, new java.io.FilterInputStream(c.getInputStream()) {
                @Override
                public void close() throws IOException {
                    open.remove(opened);
                    opened.disconnect();
                }
            });
        } catch (java.net.HttpRetryException e) {
            open.remove(c);
            throw failures.refusedToken("POST", uri, e.responseCode());
        } catch (IOException e) {
            if (c != null) {
                open.remove(c);
            }
            throw mayHaveArrived ? failures.unanswered("POST", uri, e, null) : failures.ioFailure("POST", uri, e, null);
        }
    }

    private HttpURLConnection connect(String method, String path, Duration timeout) throws IOException {
        if (closed) {
            throw new IOException("the client is closed");
        }
        HttpURLConnection c = (HttpURLConnection) uri(path).toURL().openConnection();
        if (method.equals("PATCH")) {
            c.setRequestMethod("POST");
            c.setRequestProperty("X-HTTP-Method-Override", "PATCH");
        } else {
            c.setRequestMethod(method);
        }
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout(millis(connectTimeout));
        c.setReadTimeout(millis(timeout));
        c.setUseCaches(false);
        c.setRequestProperty("Authorization", "Bearer " + token);
        c.setRequestProperty("Accept", "application/json");
        c.setRequestProperty("User-Agent", userAgent);
        open.add(c);
        return c;
    }

    private <T> T exchange(String method, String path, byte[] body, Class<T> answer) {
        return exchange(method, path, body, answer, requestTimeout);
    }

    /**
     * One request and its answer. A request with a body is sent exactly once: the JDK's connection sends a
     * buffered body again, on a new connection, when the first closes without an answer (the server may have
     * taken it: a job started twice, a cron made twice), but never a streamed one. Streaming mode cannot read a
     * 401's body; the server's only code for a 401 is {@code unauthorized}, which is what the caller gets.
     */
    private <T> T exchange(String method, String path, byte[] body, Class<T> answer, Duration timeout) {
        URI uri = uri(path);
        int status;
        String text;
        HttpURLConnection c = null;
        boolean mayHaveArrived = false;
        try {
            c = connect(method, path, timeout);
            if (body != null) {
                c.setDoOutput(true);
                if (body.length > 0) {
                    c.setRequestProperty("Content-Type", "application/json");
                }
                c.setFixedLengthStreamingMode(body.length);
            }
            c.connect(); // a failure up to here means the request was never sent
            mayHaveArrived = true;
            if (body != null) {
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            text = in == null ? "" : readFully(in);
        } catch (java.net.HttpRetryException e) {
            // streaming mode cannot answer an authentication challenge: the server refused the token
            throw failures.refusedToken(method, uri, e.responseCode());
        } catch (IOException e) {
            throw mayHaveArrived && changesState(method) ? failures.unanswered(method, uri, e, timeout)
                    : failures.ioFailure(method, uri, e, timeout);
        } finally {
            if (c != null) {
                open.remove(c);
            }
        }
        if (status == 401 && body != null && text.isEmpty()) {
            throw failures.refusedToken(method, uri, status); // a streamed request's 401 comes without its body
        }
        if (status < 200 || status > 299) {
            throw failures.httpError(method, uri, status, text);
        }
        return read(text, answer, "answer to " + method + " " + uri);
    }

    /** Whether a request may change something on the server, so that repeating it blindly is not safe. */
    private static boolean changesState(String method) {
        return !method.equals("GET") && !method.equals("HEAD");
    }

    private static String readFully(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private byte[] toJson(Object body) {
        try {
            return json.write(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static int millis(Duration d) {
        return d == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    /** Aborts requests in flight and refuses new ones; harmless to call twice. */
    @Override
    public void close() {
        closed = true;
        for (HttpURLConnection c : open) {
            c.disconnect();
        }
        open.clear();
    }
}
