package dev.mags.agent.security;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One file's {@code security.capability} extended attribute ({@code struct vfs_ns_cap_data}), as
 * {@code getfattr --dump} names the file: special bytes of the path as octal escapes.
 *
 * @param dumpPath the path exactly as getfattr wrote it, so that setfattr finds the same file
 * @param value the attribute's raw bytes (little endian, revision 1, 2 or 3)
 */
public record FileCapability(String dumpPath, byte[] value) {
    static final int REVISION_MASK = 0xFF00_0000;
    static final int REVISION_1 = 0x0100_0000;
    static final int REVISION_2 = 0x0200_0000;
    static final int REVISION_3 = 0x0300_0000;
    static final int FLAG_EFFECTIVE = 0x1;

    public FileCapability {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The file, with getfattr's octal escapes ({@code \012}, {@code \134}) decoded. */
    public Path path() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] raw = dumpPath.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\\' && isOctal(raw, i + 1)) {
                bytes.write(Integer.parseInt(new String(raw, i + 1, 3, StandardCharsets.US_ASCII), 8));
                i += 3;
            } else {
                bytes.write(raw[i]);
            }
        }
        return Path.of(bytes.toString(StandardCharsets.UTF_8));
    }

    private static boolean isOctal(byte[] raw, int from) {
        if (from + 3 > raw.length) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (raw[i] < '0' || raw[i] > '7') {
                return false;
            }
        }
        return true;
    }

    /**
     * The same capabilities, namespaced to the user namespace whose root is host uid {@code rootId}
     * (revision 3). The kernel then grants them only where that uid is root: inside the sandboxes,
     * but not to a host user who executes the image's file directly. A revision 3 attribute that was
     * already namespaced to {@code r} moves to {@code r + offset}, like the file's owner.
     */
    public FileCapability namespacedTo(long rootId, long offset) {
        ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        if (value.length < 4) {
            throw invalid();
        }
        int magic = in.getInt(0);
        int revision = magic & REVISION_MASK;
        int[] data = new int[4]; // permitted, inheritable: low 32 bits, then high 32 bits
        long newRoot = rootId;
        switch (revision) {
            case REVISION_1 -> {
                requireLength(12);
                data[0] = in.getInt(4);
                data[1] = in.getInt(8);
            }
            case REVISION_2, REVISION_3 -> {
                requireLength(revision == REVISION_2 ? 20 : 24);
                for (int i = 0; i < 4; i++) {
                    data[i] = in.getInt(4 + 4 * i);
                }
                if (revision == REVISION_3 && in.getInt(20) != 0) {
                    newRoot = Integer.toUnsignedLong(in.getInt(20)) + offset;
                }
            }
            default -> throw invalid();
        }
        ByteBuffer out = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(REVISION_3 | (magic & FLAG_EFFECTIVE));
        for (int word : data) {
            out.putInt(word);
        }
        out.putInt((int) newRoot);
        return new FileCapability(dumpPath, out.array());
    }

    /** The host uid the capabilities are namespaced to; 0 (host root) for revisions 1 and 2. */
    public long rootId() {
        if (value.length == 24 && (ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt(0) & REVISION_MASK) == REVISION_3) {
            return Integer.toUnsignedLong(ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt(20));
        }
        return 0;
    }

    /** The permitted capabilities as a bit set (bit {@code n} is capability number {@code n}). */
    public long permitted() {
        ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        long low = Integer.toUnsignedLong(in.getInt(4));
        long high = value.length >= 20 ? Integer.toUnsignedLong(in.getInt(12)) : 0;
        return low | (high << 32);
    }

    private void requireLength(int length) {
        if (value.length != length) {
            throw invalid();
        }
    }

    private IllegalArgumentException invalid() {
        return new IllegalArgumentException("unsupported security.capability value 0x" + HexFormat.of().formatHex(value)
                + " on " + dumpPath);
    }

    /** The dump's two lines for this file, as setfattr --restore reads them. */
    String dumpEntry() {
        return "# file: " + dumpPath + "\nsecurity.capability=0x" + HexFormat.of().formatHex(value) + "\n\n";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FileCapability c && c.dumpPath.equals(dumpPath) && Arrays.equals(c.value, value);
    }

    @Override
    public int hashCode() {
        return dumpPath.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return dumpPath + "=0x" + HexFormat.of().formatHex(value);
    }
}
