package dev.mags.sdk;

import java.io.IOException;
import java.io.InputStream;

/** The body of a response sent with {@code Transfer-Encoding: chunked}, decoded as it arrives. */
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
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (done || (left == 0 && !nextChunk())) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, left));
        if (n < 0) {
            throw new IOException("the chunked body ended inside a chunk");
        }
        left -= n;
        if (left == 0) {
            HttpAnswer.readLine(in);   // the CRLF after the chunk's data
        }
        return n;
    }

    /** Reads the next chunk's size line; false at the last (empty) chunk. */
    private boolean nextChunk() throws IOException {
        String line = HttpAnswer.readLine(in);
        if (line == null) {
            throw new IOException("the chunked body ended without its last chunk");
        }
        int semicolon = line.indexOf(';');
        try {
            left = Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size '" + line + "'", e);
        }
        if (left < 0) {
            throw new IOException("bad chunk size '" + line + "'");
        }
        if (left == 0) {
            done = true;
        }
        return !done;
    }
}
