package dev.mags.controlplane.exec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns one stream's output, read in chunks that may split a character, into text: the bytes of a character cut
 * at a chunk's end wait for the next chunk; invalid bytes become U+FFFD. Not thread-safe: one per stream, fed in
 * order.
 */
public final class Utf8Chunks {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** The start of a character a chunk ended in: at most 3 bytes. */
    private final ByteBuffer pending = ByteBuffer.allocate(4);

    public String decode(byte[] data, int offset, int length) {
        ByteBuffer in;
        if (pending.position() > 0) {
            in = ByteBuffer.allocate(pending.position() + length);
            in.put(pending.flip()).put(data, offset, length).flip();
            pending.clear();
        } else {
            in = ByteBuffer.wrap(data, offset, length);
        }
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, out, false);
        if (in.hasRemaining()) {
            pending.put(in);
        }
        return out.flip().toString();
    }

    /** What is left at the end of the stream: an incomplete character, as U+FFFD. */
    public String finish() {
        ByteBuffer in = pending.flip();
        CharBuffer out = CharBuffer.allocate(8);
        decoder.decode(in, out, true);
        decoder.flush(out);
        pending.clear();
        decoder.reset();
        return out.flip().toString();
    }
}
