package dev.mags.controlplane.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for tests that must choose the Host header (as a browser does for
 * {@code <sub>.localhost}, which the JDK's client neither sets nor resolves) or read a body as it arrives.
 */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port) throws IOException {
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Sends a request head (with {@code Host: host}) and the body, if any. */
    public RawHttp send(String method, String host, String path, Map<String, String> headers, byte[] body)
            throws IOException {
        StringBuilder h = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            h.append("Content-Length: ").append(body.length).append("\r\n");
        }
        out.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        return this;
    }

    public OutputStream out() {
        return out;
    }

    public InputStream in() {
        return in;
    }

    /** The response's status and headers (names in lower case). */
    public Head head() throws IOException {
        String status = line();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int c = l.indexOf(':');
            headers.merge(l.substring(0, c).strip().toLowerCase(Locale.ROOT), l.substring(c + 1).strip(), (a, b) -> a + ", " + b);
        }
        return new Head(Integer.parseInt(status.split(" ")[1]), headers);
    }

    public record Head(int status, Map<String, String> headers) {
        public boolean chunked() {
            return headers.getOrDefault("transfer-encoding", "").contains("chunked");
        }
    }

    /** A whole response: head, then its body by Content-Length, chunks or the end of the connection. */
    public Response response() throws IOException {
        Head head = head();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head.chunked()) {
            for (byte[] chunk = chunk(); chunk != null; chunk = chunk()) {
                body.write(chunk);
            }
        } else if (head.headers().containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(head.headers().get("content-length"))));
        } else {
            in.transferTo(body);
        }
        return new Response(head.status(), head.headers(), body.toString(StandardCharsets.UTF_8));
    }

    public record Response(int status, Map<String, String> headers, String body) {}

    /** The next chunk of a chunked body; null after the last. */
    public byte[] chunk() throws IOException {
        int size = Integer.parseInt(line().split(";")[0].strip(), 16);
        if (size == 0) {
            while (!line().isEmpty()) {
                // trailers
            }
            return null;
        }
        byte[] data = in.readNBytes(size);
        line();
        return data;
    }

    public String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed in the middle of a line: " + b);
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
