package dev.mags.sdk;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 answer as {@link SocketTransport} reads it from its socket: the status, and the body decoded
 * from chunks, bounded by Content-Length, or up to the end of the connection (each request closes its own).
 */
record HttpAnswer(int status, InputStream body) {
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    /** A line of the head or of an event stream; a longer one is not the API's. */
    private static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    /** Reads the status line and headers; what is not an HTTP/1.x answer the API sends is an {@link IOException}. */
    static HttpAnswer read(InputStream in) throws IOException {
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
            return new HttpAnswer(status, new ChunkedInput(in));
        }
        if (length != null) {
            int n = parseLength(length);
            byte[] bytes = in.readNBytes(n);
            if (bytes.length != n) {
                throw new IOException("the answer's body ended after " + bytes.length + " of " + n + " bytes");
            }
            return new HttpAnswer(status, new ByteArrayInputStream(bytes));
        }
        return new HttpAnswer(status, in);   // up to the end of the connection
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

    static byte[] readLimited(InputStream in) throws IOException {
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
}
