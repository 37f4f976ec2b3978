package dev.mags.storage.chunk;

import com.github.luben.zstd.Zstd;
import java.util.Arrays;

/**
 * Chunk objects are one zstd frame of the plain bytes, with its content size and zstd's content checksum
 * (XXH64 of the plain bytes, which zstd checks as it decompresses); {@link FrameDecoder} reads them back.
 * Frames written before the checksum was added have none; readers accept both.
 */
public final class ChunkCodec {
    private final int level;

    public ChunkCodec(int level) {
        this.level = level;
    }

    public byte[] encode(byte[] plain, int length) {
        byte[] dst = new byte[(int) Zstd.compressBound(length)];
        long n = Zstd.compressByteArray(dst, 0, dst.length, plain, 0, length, level, true);
        if (Zstd.isError(n)) {
            throw new IllegalStateException("zstd cannot compress " + length + " bytes: " + Zstd.getErrorName(n));
        }
        return Arrays.copyOf(dst, (int) n);
    }
}
