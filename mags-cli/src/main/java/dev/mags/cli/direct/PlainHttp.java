package dev.mags.cli.direct;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection, for the direct {@code run} path
 * against an {@code http://} server: what the SDK's client costs in start-up is more than a whole
 * short job takes. It speaks only what that path needs; anything it does not understand is an
 * {@link IOException}, and the caller falls back to the SDK.
 */
final class PlainHttp {
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    static final int READ_TIMEOUT_MILLIS = 30_000;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    /** A line of the head or of the event stream; a longer one is not the server this path knows. */
    private static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    private final String host;
    private final int port;
    private final String basePath;
    private final String token;

    PlainHttp(URI baseUrl, String token) {
        this.host = baseUrl.getHost();
        this.port = baseUrl.getPort() < 0 ? 80 : baseUrl.getPort();
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.token = token;
    }

    /** A response whose head has been read; {@link #body()} is the rest of the stream. */
    record Response(int status, Map<String, String> headers, InputStream body, Socket socket) implements Closeable {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The body as a stream: chunked transfer decoded, else the bytes up to the end of the stream. */
        InputStream stream() {
            return "chunked".equalsIgnoreCase(header("transfer-encoding")) ? new ChunkedInput(body) : body;
        }

        /** The whole body (Content-Length, chunked, or up to the end of the stream), as UTF-8. */
        String readBody() throws IOException {
            String length = header("content-length");
            if (length != null) {
                int n = parseLength(length);
                byte[] bytes = body.readNBytes(n);
                if (bytes.length != n) {
                    throw new IOException("the response body ended after " + bytes.length + " of " + n + " bytes");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
            return new String(readLimited(stream()), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Connects; failing here means nothing was sent. */
    Socket connect() throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends a request on a connected socket and reads the response head. */
    Response exchange(Socket socket, String method, String path, String jsonBody, String accept,
                      Map<String, String> headers) throws IOException {
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256)
                .append(method).append(' ').append(basePath).append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Authorization: Bearer ").append(token).append("\r\n")
                .append("Accept: ").append(accept).append("\r\n")
                .append("User-Agent: mags-cli\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (jsonBody != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        return readHead(in, socket);
    }

    private static Response readHead(InputStream in, Socket socket) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP response: " + statusLine);
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
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("response headers too long");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        if (line == null) {
            throw new IOException("the connection closed inside the response headers");
        }
        return new Response(status, headers, in, socket);
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
                throw new IOException("a line of the response is longer than " + MAX_LINE_BYTES + " bytes");
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
            throw new IOException("response body too large");
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
