package dev.mags.controlplane.apps;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One request passed to a sandbox's server and its answer passed back, both streamed through a small buffer:
 * bodies of any size, chunked or not, and server-sent events as they come (every read from the app is flushed
 * to the visitor at once).
 */
final class HttpRelay {
    static final int BUFFER = 16 * 1024;

    private HttpRelay() {}

    /** Sends the request (blocking); returns the app's answer head with the stream its body follows on. */
    static Answer send(HttpServerExchange ex, Socket app, InputStream fromApp, String upgrade) throws IOException {
        OutputStream out = app.getOutputStream();
        long length = ex.getRequestContentLength();
        boolean chunked = length < 0 && ex.getRequestHeaders().contains(Headers.TRANSFER_ENCODING);
        long body = upgrade != null ? -1 : length >= 0 ? length : chunked ? -2 : -1;
        RequestHead.write(out, ex, body, upgrade);
        if (body != -1) {
            if (HttpContinue.requiresContinueResponse(ex)) {
                HttpContinue.sendContinueResponseBlocking(ex); // the visitor waits for it before a large body (curl does)
            }
            copyBody(ex.getInputStream(), out, chunked);
        }
        out.flush();
        InputStream in = fromApp;
        ResponseHead head = ResponseHead.read(in);
        while (head.status() >= 100 && head.status() < 200 && head.status() != 101) {
            head = ResponseHead.read(in); // interim answers (100 Continue, 103) are the proxy's business, not the visitor's
        }
        return new Answer(head, in);
    }

    record Answer(ResponseHead head, InputStream body) {}

    /** The stream an app's answers are read from, buffered; kept with the connection for its next answer. */
    static InputStream input(Socket app) throws IOException {
        return new BufferedInputStream(app.getInputStream(), BUFFER);
    }

    /**
     * Passes a (non-upgrade) answer to the visitor and ends the exchange. {@code reusable} runs once the whole
     * answer was read from the app, before the exchange ends, when the connection can serve another request.
     */
    static void answer(HttpServerExchange ex, Answer a, Runnable reusable) throws IOException {
        ResponseHead head = a.head();
        ex.setStatusCode(head.status());
        if (!head.reason().isEmpty()) {
            ex.setReasonPhrase(head.reason());
        }
        copyHeaders(head, ex);
        boolean bodyless = ex.getRequestMethod().equals(Methods.HEAD) || head.status() == 204 || head.status() == 304;
        long length = head.contentLength();
        OutputStream out = ex.getOutputStream();
        boolean delimited = bodyless || head.chunked() || length >= 0;
        if (!bodyless) {
            InputStream body = head.chunked() ? new ChunkedInput(a.body()) : length >= 0 ? new Bounded(a.body(), length)
                    : a.body();
            byte[] buf = new byte[BUFFER];
            for (int n; (n = body.read(buf)) >= 0; ) {
                if (n > 0) {
                    out.write(buf, 0, n);
                    // What the app sent so far reaches the visitor before the relay waits for more (server-sent
                    // events, a slow download); a body read whole goes out with its head when the exchange ends.
                    if (body.available() == 0 && !(body instanceof Bounded b && b.left == 0)) {
                        out.flush();
                    }
                }
            }
        }
        if (delimited && head.keepsAlive()) {
            reusable.run();
        }
        out.close();
    }

    static void copyHeaders(ResponseHead head, HttpServerExchange ex) {
        java.util.Set<String> named = new java.util.HashSet<>();
        head.header("Connection").ifPresent(v -> {
            for (String t : v.split(",")) {
                named.add(t.strip().toLowerCase(Locale.ROOT));
            }
        });
        for (ResponseHead.Header h : head.headers()) {
            String lower = h.name().toLowerCase(Locale.ROOT);
            if (!RequestHead.HOP_BY_HOP.contains(lower) && !named.contains(lower)
                    && !(lower.equals("content-length") && head.chunked())) {
                ex.getResponseHeaders().add(HttpString.tryFromString(h.name()), h.value());
            }
        }
    }

    private static void copyBody(InputStream in, OutputStream out, boolean chunked) throws IOException {
        byte[] buf = new byte[BUFFER];
        for (int n; (n = in.read(buf)) >= 0; ) {
            if (n == 0) {
                continue;
            }
            if (chunked) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(buf, 0, n);
                out.write(CRLF);
            } else {
                out.write(buf, 0, n);
            }
        }
        if (chunked) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /** The first {@code length} bytes of a stream; ending earlier is the app's failure. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), left);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new ResponseHead.BadResponseException("the app closed the connection " + left + " bytes before "
                        + "the end of its body");
            }
            left -= n;
            return n;
        }
    }
}
