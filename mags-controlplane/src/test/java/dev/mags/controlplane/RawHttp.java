package dev.mags.controlplane;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP/1.1 over a plain socket, byte for byte as written: for requests no HTTP client would send. */
final class RawHttp {
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

    private RawHttp() {}

    /** A response's status and body, as read off the wire. */
    record Response(int status, String body) {}

    /**
     * Writes {@code request} (lines joined with CRLF as given) in one go and reads until the server
     * closes the connection or stays silent for two seconds; returns every response in order.
     */
    static List<Response> exchange(int port, String request) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(2000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException quiet) {
                // the server keeps the connection open: everything it answered has been read
            }
            return parse(got.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a stream of responses that each carry a Content-Length. */
    private static List<Response> parse(String wire) {
        List<Response> out = new ArrayList<>();
        int at = 0;
        while (at < wire.length()) {
            Matcher m = STATUS.matcher(wire);
            if (!m.find(at) || m.start() != at) {
                throw new AssertionError("not an HTTP response at " + at + ": " + wire.substring(at));
            }
            int headEnd = wire.indexOf("\r\n\r\n", at);
            Matcher length = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(wire.substring(at, headEnd));
            int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
            int bodyStart = headEnd + 4;
            out.add(new Response(Integer.parseInt(m.group(1)), wire.substring(bodyStart, bodyStart + bodyLength)));
            at = bodyStart + bodyLength;
        }
        return out;
    }
}
