package dev.mags.storage.chunk;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import dev.mags.storage.error.CorruptDataException;
import java.util.Arrays;

/** Chunk objects are one zstd frame (with its content size) of the plain bytes; decoding verifies the hash. */
public final class ChunkCodec {
    /** Frames claiming more than this are refused before allocating: no chunk is bigger. */
    private static final long MAX_PLAIN = 64L * 1024 * 1024;

    private final int level;

    public ChunkCodec(int level) {
        this.level = level;
    }

    public byte[] encode(byte[] plain, int length) {
        byte[] src = length == plain.length ? plain : Arrays.copyOf(plain, length);
        return Zstd.compress(src, level);
    }

    /** The plain bytes of a stored chunk, after checking that they hash to {@code id}. */
    public byte[] decode(ChunkId id, byte[] stored) {
        return decode(id, stored, 0, stored.length);
    }

    /** As {@link #decode(ChunkId, byte[])}, for a frame at {@code offset} of a larger array (a pack range). */
    public byte[] decode(ChunkId id, byte[] src, int offset, int length) {
        byte[] plain = decompress(id, src, offset, length);
        ChunkId actual = ChunkId.of(plain);
        if (!actual.equals(id)) {
            throw new CorruptDataException("chunk " + id + " is corrupt: its content hashes to " + actual);
        }
        return plain;
    }

    /**
     * The plain bytes of a frame whose integrity the caller has checked another way (it comes from a whole
     * pack that hashed to its name); a frame that does not decompress is still refused.
     */
    public byte[] decompress(ChunkId id, byte[] src, int offset, int length) {
        byte[] plain;
        try {
            long size = Zstd.getFrameContentSize(src, offset, length);
            if (size < 0 || size > MAX_PLAIN) {
                throw new CorruptDataException("chunk " + id + " is not a zstd frame with a plausible size (" + size + ")");
            }
            plain = new byte[(int) size];
            long n = Zstd.decompressByteArray(plain, 0, plain.length, src, offset, length);
            if (Zstd.isError(n) || n != size) {
                throw new CorruptDataException("chunk " + id + " cannot be decompressed: "
                        + (Zstd.isError(n) ? Zstd.getErrorName(n) : n + " of " + size + " bytes"));
            }
        } catch (ZstdException | IllegalArgumentException e) {
            throw new CorruptDataException("chunk " + id + " cannot be decompressed: " + e.getMessage(), e);
        }
        return plain;
    }
}
