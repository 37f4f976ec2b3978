package dev.mags.controlplane.job;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a byte stream into lines without their {@code \n}. A line longer than {@link #MAX_LINE_BYTES}
 * is handed over in pieces, cut at a UTF-8 character boundary, so one endless line cannot exhaust
 * memory; a last line without a newline is still handed over at EOF. Malformed UTF-8 becomes U+FFFD.
 */
final class LineSplitter {
    static final int MAX_LINE_BYTES = 64 * 1024;

    private final byte[] line;
    private final Consumer<String> onLine;
    private int length;

    LineSplitter(Consumer<String> onLine) {
        this(MAX_LINE_BYTES, onLine);
    }

    LineSplitter(int maxLineBytes, Consumer<String> onLine) {
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("a line must hold at least one UTF-8 character");
        }
        this.line = new byte[maxLineBytes];
        this.onLine = onLine;
    }

    /** Reads {@code in} to EOF, handing over each line as soon as its end is read. */
    void pump(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
            accept(buffer, 0, n);
        }
        finish();
    }

    /** Takes {@code count} more bytes from {@code offset}, handing over each line as soon as its end is in. */
    void accept(byte[] bytes, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                emit(length);
            } else {
                if (length == line.length) {
                    emit(pieceEnd());
                }
                line[length++] = b;
            }
        }
    }

    /** Hands over what is left at the end of the stream: a last line without its newline. */
    void finish() {
        if (length > 0) {
            emit(length);
        }
    }

    /** Where to cut a full buffer: before a trailing character whose bytes are not all in yet. */
    private int pieceEnd() {
        for (int i = length - 1; i >= Math.max(0, length - 4); i--) {
            int b = line[i] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the character's first byte
            }
            int size = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return (i + size > length && i > 0) ? i : length;
        }
        return length;
    }

    /** Hands over the first {@code end} bytes and keeps the rest as the start of the next piece. */
    private void emit(int end) {
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        System.arraycopy(line, end, line, 0, length - end);
        length -= end;
        onLine.accept(text);
    }
}
