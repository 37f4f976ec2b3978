package dev.mags.controlplane.apps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The status line and headers of a sandbox server's HTTP/1.x response, read byte by byte up to the body. */
record ResponseHead(int status, String reason, List<Header> headers, boolean http11) {
    /** A head larger than this is not a server's answer we pass on. */
    static final int MAX_BYTES = 64 * 1024;

    record Header(String name, String value) {}

    static ResponseHead read(InputStream in) throws IOException {
        int[] budget = {MAX_BYTES};
        String statusLine = line(in, budget);
        if (statusLine == null) {
            throw new BadResponseException("the app closed the connection without answering");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new BadResponseException("the app answered something that is not HTTP/1.x: " + clip(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new BadResponseException("the app answered an invalid status line: " + clip(statusLine));
        }
        if (status < 100 || status > 999) {
            throw new BadResponseException("the app answered an invalid status " + status);
        }
        List<Header> headers = new ArrayList<>();
        for (String l = line(in, budget); ; l = line(in, budget)) {
            if (l == null) {
                throw new BadResponseException("the app closed the connection in the middle of its headers");
            }
            if (l.isEmpty()) {
                break;
            }
            int colon = l.indexOf(':');
            if (colon <= 0 || l.charAt(0) == ' ' || l.charAt(0) == '\t') {
                throw new BadResponseException("the app answered an invalid header line: " + clip(l));
            }
            headers.add(new Header(l.substring(0, colon).strip(), l.substring(colon + 1).strip()));
        }
        return new ResponseHead(status, parts.length == 3 ? parts[2] : "", List.copyOf(headers),
                parts[0].equals("HTTP/1.1"));
    }

    Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    /** Whether the app lets the connection serve another request after this answer (HTTP/1.1, no close). */
    boolean keepsAlive() {
        return http11 && header("Connection").map(v -> !v.toLowerCase(Locale.ROOT).contains("close")).orElse(true);
    }

    boolean chunked() {
        return header("Transfer-Encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false);
    }

    /** The body's length when the head gives it; -1 otherwise. */
    long contentLength() throws BadResponseException {
        Optional<String> v = header("Content-Length");
        if (v.isEmpty()) {
            return -1;
        }
        try {
            long n = Long.parseLong(v.get().strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BadResponseException("the app answered an invalid Content-Length: " + clip(v.get()));
        }
    }

    /** A line without its CR LF (or LF); null at the end of the stream before any byte of it. */
    private static String line(InputStream in, int[] budget) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        for (;;) {
            int b = in.read();
            if (b < 0) {
                return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
            }
            if (--budget[0] < 0) {
                throw new BadResponseException("the app's response head is larger than " + MAX_BYTES / 1024 + " KiB");
            }
            if (b == '\n') {
                String s = buf.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buf.write(b);
        }
    }

    private static String clip(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    /** The sandbox's server answered something the proxy cannot pass on: the visitor gets a 502. */
    static final class BadResponseException extends IOException {
        BadResponseException(String message) {
            super(message);
        }
    }
}
