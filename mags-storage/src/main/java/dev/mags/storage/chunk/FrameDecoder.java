package dev.mags.storage.chunk;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.mags.storage.error.CorruptDataException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Turns stored chunk frames back into plain bytes, in direct buffers it keeps and reuses: a restore writes the
 * plain bytes to files straight from native memory, without zeroing a fresh array per chunk and without the
 * JDK copying a heap array into a temporary direct buffer on every write. One decoder per thread; the buffer
 * a call returns holds its bytes until the next call.
 */
public final class FrameDecoder implements AutoCloseable {
    /** Frames claiming more than this are refused before allocating: no chunk is bigger. */
    private static final long MAX_PLAIN = 64L * 1024 * 1024;

    private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
    private final MessageDigest sha = ChunkId.sha256();
    private ByteBuffer dst = ByteBuffer.allocateDirect(0);

    /**
     * The plain bytes of the frame at {@code offset} of {@code frames}, checked: by zstd against the frame's
     * own checksum when it {@link #hasChecksum has one}, else (a frame written before mags added the checksum)
     * by SHA-256 against {@code id}.
     */
    public ByteBuffer decode(ChunkId id, byte[] frames, int offset, int length) {
        ByteBuffer plain = decompress(id, frames, offset, length);
        if (!hasChecksum(frames, offset, length)) {
            sha.update(plain.duplicate());
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(id.hex())) {
                throw new CorruptDataException("chunk " + id + " is corrupt: its content hashes to " + actual);
            }
        }
        return plain;
    }

    /**
     * The plain bytes of a frame, checked only by zstd (its checksum, when it has one): for frames the caller
     * has checked another way (a whole pack that hashed to its name). A frame that does not decompress, or
     * whose checksum does not match, is refused.
     */
    public ByteBuffer decompress(ChunkId id, byte[] frames, int offset, int length) {
        long size;
        try {
            size = Zstd.getFrameContentSize(frames, offset, length);
        } catch (ZstdException | IllegalArgumentException e) {
            throw new CorruptDataException("chunk " + id + " is corrupt: not a zstd frame: " + e.getMessage(), e);
        }
        if (size < 0 || size > MAX_PLAIN) {
            throw new CorruptDataException("chunk " + id + " is corrupt: not a zstd frame with a plausible size (" + size + ")");
        }
        dst = capacity(dst, (int) size);
        int n;
        try {
            // straight from the array (pinned, not copied) into the direct buffer
            n = ctx.decompressByteArrayToDirectByteBuffer(dst, 0, (int) size, frames, offset, length);
        } catch (ZstdException | IllegalArgumentException e) {
            throw new CorruptDataException("chunk " + id + " is corrupt: " + e.getMessage(), e);
        }
        if (n != size) {
            throw new CorruptDataException("chunk " + id + " is corrupt: it decompresses to " + n + " of " + size + " bytes");
        }
        return dst.position(0).limit(n);
    }

    /**
     * Whether the frame at {@code offset} carries zstd's content checksum, which {@link #decompress} then
     * checks: the frame magic number (28 b5 2f fd), then a header descriptor whose bit 2 is the flag.
     */
    public static boolean hasChecksum(byte[] frames, int offset, int length) {
        return length > 4 && frames[offset] == 0x28 && frames[offset + 1] == (byte) 0xb5 && frames[offset + 2] == 0x2f
                && frames[offset + 3] == (byte) 0xfd && (frames[offset + 4] & 0x04) != 0;
    }

    /** {@code buffer} cleared, or a larger one if it cannot hold {@code bytes}. */
    private static ByteBuffer capacity(ByteBuffer buffer, int bytes) {
        if (buffer.capacity() >= bytes) {
            return buffer.clear();
        }
        return ByteBuffer.allocateDirect(Math.max(bytes, Math.min(2 * buffer.capacity(), (int) MAX_PLAIN)));
    }

    @Override
    public void close() {
        ctx.close();
    }
}
