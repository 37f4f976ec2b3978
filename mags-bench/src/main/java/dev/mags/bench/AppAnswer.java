package dev.mags.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A whole HTTP/1.1 answer of a web app with a Content-Length body, as the URL figures' clients read it: its
 * status, body and whether the server closes the connection after it.
 *
 * @param size the bytes it took in the buffer, head and body
 */
record AppAnswer(int status, byte[] body, boolean close, int size) {
    /** The answer at the start of {@code buf[0..filled)}, or null while it is incomplete. */
    static AppAnswer parse(byte[] buf, int filled) throws IOException {
        int headEnd = -1;
        for (int i = 3; i < filled; i++) {
            if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                headEnd = i + 1;
                break;
            }
        }
        if (headEnd < 0) {
            return null;
        }
        String head = new String(buf, 0, headEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        boolean close = lines[0].startsWith("HTTP/1.0");
        int length = -1;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("Connection")) {
                close = value.equalsIgnoreCase("close");
            }
        }
        if (length < 0) {
            throw new IOException("an answer without Content-Length: " + lines[0]);
        }
        if (filled < headEnd + length) {
            return null;
        }
        int status = Integer.parseInt(lines[0].substring(9, 12));
        return new AppAnswer(status, Arrays.copyOfRange(buf, headEnd, headEnd + length), close, headEnd + length);
    }

    /** A GET of {@code path} from {@code host} (the Host header: a public URL's, or the app's own). */
    static byte[] request(String host, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: mags-bench\r\nAccept: */*\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
