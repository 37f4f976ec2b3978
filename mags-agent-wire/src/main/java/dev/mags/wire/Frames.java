package dev.mags.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The frames of an upgraded exec connection: a type byte, a 4-byte big-endian length, the payload. One writer at
 * a time per direction (callers synchronize); a reader reads them in order on one thread.
 */
public final class Frames {
    /** Client → agent: the {@code ExecSpec} (JSON); the first frame. */
    public static final byte SPEC = 'S';
    /** Agent → client: the contract's gate is called now; answer {@link #GATE_OPEN} or {@link #GATE_REFUSED}. */
    public static final byte GATE = 'G';
    public static final byte GATE_OPEN = 'g';
    /** Client → agent: the gate threw; the payload is a {@link WireError} (JSON). */
    public static final byte GATE_REFUSED = 'r';
    /** Agent → client: the process runs (exec returned). */
    public static final byte STARTED = 'R';
    /** Agent → client: exec threw; the payload is a {@link WireError} (JSON); the connection ends. */
    public static final byte FAILED = 'F';
    public static final byte STDOUT = '1';
    public static final byte STDERR = '2';
    /** Agent → client: the {@code ExecExit} (JSON), after all output; the connection ends. */
    public static final byte EXIT = 'X';
    public static final byte STDIN = '0';
    public static final byte STDIN_CLOSE = 'C';
    /** Client → agent: a {@code PtySize} (JSON). */
    public static final byte RESIZE = 'Z';
    /** Client → agent: a signal number, 4 bytes. */
    public static final byte SIGNAL = 'K';

    /** Larger frames are refused: a peer that sends one is broken or hostile. */
    public static final int MAX_PAYLOAD = 1 << 20;

    private Frames() {}

    public record Frame(byte type, byte[] payload) {}

    public static void write(DataOutputStream out, byte type, byte[] data, int offset, int length) throws IOException {
        out.writeByte(type);
        out.writeInt(length);
        out.write(data, offset, length);
        out.flush();
    }

    public static void write(DataOutputStream out, byte type, byte[] data) throws IOException {
        write(out, type, data, 0, data.length);
    }

    /** The next frame, or null at the end of the stream between frames. */
    public static Frame read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int length = in.readInt();
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("frame of " + length + " bytes (at most " + MAX_PAYLOAD + ")");
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame((byte) type, payload);
    }

    /** As {@link #read}, but the end of the stream is an error. */
    public static Frame require(DataInputStream in) throws IOException {
        Frame frame = read(in);
        if (frame == null) {
            throw new EOFException("the connection ended before the exchange did");
        }
        return frame;
    }
}
