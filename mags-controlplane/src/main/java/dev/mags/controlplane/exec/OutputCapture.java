package dev.mags.controlplane.exec;

import dev.mags.api.ExecEnd;
import dev.mags.api.ExecResult;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps an exec's output for the one-object JSON answer, in the order it was read, up to a number of bytes
 * (stdout and stderr together); what comes after is read and dropped, so the process never waits for this.
 */
public final class OutputCapture implements ExecListener {
    private record Piece(ExecStream stream, byte[] bytes) {}

    private final int capacity;
    private final List<Piece> pieces = new ArrayList<>();
    private int kept;
    private long dropped;

    public OutputCapture(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public synchronized void output(ExecStream stream, byte[] data, int offset, int length) {
        int take = Math.min(length, capacity - kept);
        if (take > 0) {
            byte[] copy = new byte[take];
            System.arraycopy(data, offset, copy, 0, take);
            pieces.add(new Piece(stream, copy));
            kept += take;
        }
        dropped += length - take;
    }

    /** The answer: each stream decoded as a whole, and both interleaved as read. */
    public synchronized ExecResult result(ExecEnd end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StringBuilder both = new StringBuilder();
        Utf8Chunks outText = new Utf8Chunks();
        Utf8Chunks errText = new Utf8Chunks();
        for (Piece p : pieces) {
            boolean isErr = p.stream() == ExecStream.STDERR;
            (isErr ? err : out).writeBytes(p.bytes());
            both.append((isErr ? errText : outText).decode(p.bytes(), 0, p.bytes().length));
        }
        both.append(outText.finish()).append(errText.finish());
        String message = end.message();
        if (dropped > 0) {
            String note = "output truncated: the answer keeps the first " + capacity + " bytes, " + dropped
                    + " more were dropped; ask for Accept: application/x-ndjson to stream all of it";
            message = message == null ? note : message + "; " + note;
        }
        return new ExecResult(end.exitCode(), end.status(), end.reason(), message,
                out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), both.toString(),
                dropped > 0);
    }
}
