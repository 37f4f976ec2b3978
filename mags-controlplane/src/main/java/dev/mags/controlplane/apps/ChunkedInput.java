package dev.mags.controlplane.apps;

import java.io.IOException;
import java.io.InputStream;

/**
 * The body of a chunked response, decoded: each read returns bytes of the current chunk only, so that what the
 * app sent as one chunk (an SSE event, say) can be passed on before the next one exists. Trailers are dropped.
 */
final class ChunkedInput extends InputStream {
    private final InputStream in;
    private long left;
    private boolean done;

    ChunkedInput(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (left == 0) {
            left = nextChunkSize();
            if (left == 0) {
                skipTrailers();
                done = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw new ResponseHead.BadResponseException("the app closed the connection in the middle of a chunk");
        }
        left -= n;
        if (left == 0) {
            expectLineEnd();
        }
        return n;
    }

    private long nextChunkSize() throws IOException {
        String line = line();
        int semi = line.indexOf(';');
        String hex = (semi >= 0 ? line.substring(0, semi) : line).strip();
        try {
            long size = Long.parseLong(hex, 16);
            if (size < 0) {
                throw new NumberFormatException();
            }
            return size;
        } catch (NumberFormatException e) {
            throw new ResponseHead.BadResponseException("the app sent an invalid chunk size '" + hex + "'");
        }
    }

    private void expectLineEnd() throws IOException {
        if (!line().isEmpty()) {
            throw new ResponseHead.BadResponseException("the app sent a chunk longer than its size");
        }
    }

    private void skipTrailers() throws IOException {
        while (!line().isEmpty()) {
            // trailers are not passed on
        }
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8192; i++) {
            int c = in.read();
            if (c < 0) {
                throw new ResponseHead.BadResponseException("the app closed the connection in the middle of a chunked body");
            }
            if (c == '\n') {
                int end = s.length();
                return end > 0 && s.charAt(end - 1) == '\r' ? s.substring(0, end - 1) : s.toString();
            }
            s.append((char) c);
        }
        throw new ResponseHead.BadResponseException("the app sent a chunk line longer than 8 KiB");
    }
}
