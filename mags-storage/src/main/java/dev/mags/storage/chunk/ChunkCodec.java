package dev.mags.storage.chunk;

import com.github.luben.zstd.Zstd;
import java.util.Arrays;

/** Chunk objects are one zstd frame (with its content size) of the plain bytes; {@link FrameDecoder} reads them back. */
public final class ChunkCodec {
    private final int level;

    public ChunkCodec(int level) {
        this.level = level;
    }

    public byte[] encode(byte[] plain, int length) {
        byte[] src = length == plain.length ? plain : Arrays.copyOf(plain, length);
        return Zstd.compress(src, level);
    }
}
