package dev.mags.controlplane.http;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Follows the HTTP/1.1 requests of one connection through its raw bytes and notes the first request
 * whose header section holds an obs-fold: a header line that starts with a space or a tab, continuing
 * the line before. Undertow's parser joins such a line to the previous value with a space, so that
 * nothing of the fold is left for a handler to see; this scanner sees the bytes before the parser.
 *
 * <p>To know where the next request's headers begin it frames bodies as Undertow does: a
 * Transfer-Encoding other than {@code identity} (the last one given) means chunked, else the first
 * Content-Length counts; with neither there is no body. A body it cannot frame (a malformed length,
 * identity until the connection closes) ends its scan: Undertow fails such a request and closes the
 * connection, or reads to its end.
 */
final class FoldScanner {
    private enum State { REQUEST_START, HEAD, BODY, CHUNK_SIZE, CHUNK_EXTENSION, CHUNK_DATA, CHUNK_END, AFTER_LAST, TRAILERS, DONE }

    private static final int KEPT_LINE_CHARS = 256;
    /** As Undertow's ChunkReader: larger sizes are refused. */
    private static final long CHUNK_LIMIT = Long.MAX_VALUE >> 4;

    private State state = State.REQUEST_START;
    private long requests;
    private long firstFolded;
    private String foldedHeader;
    // the header line being read
    private final StringBuilder line = new StringBuilder();
    private int lineBytes;
    private int lineNumber;
    private String lastName;
    private String contentLength;
    private String transferEncoding;
    // the body being skipped
    private long remaining;

    /** Scans {@code buffer}'s bytes from {@code from} (inclusive) to {@code to} (exclusive). */
    synchronized void scan(ByteBuffer buffer, int from, int to) {
        int i = from;
        while (i < to && state != State.DONE) {
            if (state == State.BODY || state == State.CHUNK_DATA) {
                int n = (int) Math.min(remaining, to - i);
                i += n;
                remaining -= n;
                if (remaining == 0) {
                    state = state == State.BODY ? State.REQUEST_START : State.CHUNK_END;
                }
            } else {
                step(buffer.get(i++));
            }
        }
    }

    /** The number (from 1) of the first request on this connection with a folded header line; 0 for none. */
    synchronized long firstFoldedRequest() {
        return firstFolded;
    }

    /** The header the first fold continues. */
    synchronized String foldedHeader() {
        return foldedHeader;
    }

    private void step(byte b) {
        switch (state) {
            case REQUEST_START -> {
                requests++;
                lineNumber = 0;
                lastName = null;
                contentLength = null;
                transferEncoding = null;
                startLine();
                state = State.HEAD;
                head(b);
            }
            case HEAD -> head(b);
            case CHUNK_SIZE -> {
                int digit = Character.digit((char) (b & 0xff), 16);
                if (digit >= 0) {
                    if (remaining > CHUNK_LIMIT) {
                        state = State.DONE;
                    }
                    remaining = remaining * 16 + digit;
                } else if (b == '\n') {
                    chunkSizeRead();
                } else {
                    state = State.CHUNK_EXTENSION;
                }
            }
            case CHUNK_EXTENSION -> {
                if (b == '\n') {
                    chunkSizeRead();
                }
            }
            case CHUNK_END -> {
                if (b == '\n') {
                    state = State.CHUNK_SIZE;
                }
            }
            case AFTER_LAST -> {
                if (b == '\n') {
                    state = State.REQUEST_START;
                } else if (b != '\r') {
                    state = State.TRAILERS;
                    lineBytes = 1;
                }
            }
            case TRAILERS -> {
                if (b == '\n') {
                    if (lineBytes == 0) {
                        state = State.REQUEST_START;
                    }
                    lineBytes = 0;
                } else if (b != '\r') {
                    lineBytes++;
                }
            }
            default -> throw new IllegalStateException("no byte is stepped in state " + state);
        }
    }

    private void head(byte b) {
        if (b == '\n') {
            if (lineBytes == 0) {
                bodyFollows();
            } else {
                endLine();
            }
            return;
        }
        if (b == '\r') {
            return;
        }
        if (lineBytes == 0 && lineNumber > 0 && (b == ' ' || b == '\t') && firstFolded == 0) {
            firstFolded = requests;
            foldedHeader = lastName;
        }
        lineBytes++;
        if (line.length() < KEPT_LINE_CHARS) {
            line.append((char) (b & 0xff));
        }
    }

    private void endLine() {
        boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
        int colon = line.indexOf(":");
        if (lineNumber > 0 && !continuation && colon > 0) {
            lastName = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (lastName.toLowerCase(Locale.ROOT)) {
                case "content-length" -> contentLength = contentLength == null ? value : contentLength;
                case "transfer-encoding" -> transferEncoding = value;
                default -> { }
            }
        }
        lineNumber++;
        startLine();
    }

    private void startLine() {
        line.setLength(0);
        lineBytes = 0;
    }

    private void bodyFollows() {
        remaining = 0;
        if (transferEncoding != null && !transferEncoding.equalsIgnoreCase("identity")) {
            state = State.CHUNK_SIZE;
        } else if (contentLength != null) {
            try {
                remaining = Long.parseLong(contentLength);
                state = remaining > 0 ? State.BODY : remaining == 0 ? State.REQUEST_START : State.DONE;
            } catch (NumberFormatException e) {
                state = State.DONE;
            }
        } else {
            state = transferEncoding != null ? State.DONE : State.REQUEST_START;
        }
    }

    private void chunkSizeRead() {
        state = remaining == 0 ? State.AFTER_LAST : State.CHUNK_DATA;
    }
}
