package dev.mags.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.error.CorruptDataException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private final ChunkCodec codec = new ChunkCodec(3);

    @Test
    void framesOfGrowingAndShrinkingSizesDecodeWithOneDecoder() {
        Random random = new Random(7);
        try (FrameDecoder decoder = new FrameDecoder()) {
            for (int size : new int[] {1, 1000, 300_000, 17, 4 << 20, 0, 65_536}) {
                byte[] plain = new byte[size];
                random.nextBytes(plain);
                byte[] frame = codec.encode(plain, size);

                ByteBuffer back = decoder.decode(ChunkId.of(plain), frame, 0, frame.length);

                assertThat(bytes(back)).isEqualTo(plain);
            }
        }
    }

    @Test
    void aFrameInsideAPackDecodesFromItsOffset() {
        byte[] a = "first chunk".getBytes();
        byte[] b = "second chunk, a little longer".getBytes();
        ByteArrayOutputStream pack = new ByteArrayOutputStream();
        byte[] fa = codec.encode(a, a.length);
        byte[] fb = codec.encode(b, b.length);
        pack.writeBytes(fa);
        pack.writeBytes(fb);
        try (FrameDecoder decoder = new FrameDecoder()) {
            assertThat(bytes(decoder.decompress(ChunkId.of(b), pack.toByteArray(), fa.length, fb.length))).isEqualTo(b);
            assertThat(bytes(decoder.decode(ChunkId.of(a), pack.toByteArray(), 0, fa.length))).isEqualTo(a);
        }
    }

    @Test
    void framesCarryTheirContentSizeAndZstdsChecksumWhichDecompressionChecks() {
        byte[] plain = new byte[10_000];
        new Random(3).nextBytes(plain);
        byte[] frame = codec.encode(plain, 6_000);
        assertThat(com.github.luben.zstd.Zstd.getFrameContentSize(frame)).isEqualTo(6_000);
        assertThat(FrameDecoder.hasChecksum(frame, 0, frame.length)).isTrue();
        assertThat(FrameDecoder.hasChecksum(com.github.luben.zstd.Zstd.compress(plain), 0, frame.length)).isFalse();

        frame[frame.length - 10] ^= 1; // random bytes are stored raw: the frame still decodes, to other bytes
        try (FrameDecoder decoder = new FrameDecoder()) {
            assertThatThrownBy(() -> decoder.decompress(ChunkId.of(plain, 0, 6_000), frame, 0, frame.length))
                    .isInstanceOf(CorruptDataException.class).hasMessageContaining("is corrupt");
        }
    }

    @Test
    void aFrameWithoutChecksumIsCheckedAgainstItsChunkId() {
        byte[] plain = "what was stored".getBytes();
        byte[] frame = com.github.luben.zstd.Zstd.compress(plain); // as frames were written before the checksum
        try (FrameDecoder decoder = new FrameDecoder()) {
            assertThat(bytes(decoder.decode(ChunkId.of(plain), frame, 0, frame.length))).isEqualTo(plain);
            ChunkId other = ChunkId.of("something else".getBytes());
            assertThatThrownBy(() -> decoder.decode(other, frame, 0, frame.length))
                    .isInstanceOf(CorruptDataException.class).hasMessageContaining(other.hex());
        }
    }

    @Test
    void bytesThatAreNoFrameAreRefused() {
        byte[] garbage = "not a zstd frame at all".getBytes();
        try (FrameDecoder decoder = new FrameDecoder()) {
            assertThatThrownBy(() -> decoder.decompress(ChunkId.of(garbage), garbage, 0, garbage.length))
                    .isInstanceOf(CorruptDataException.class);
            byte[] plain = new byte[100_000];
            byte[] frame = codec.encode(plain, plain.length);
            assertThatThrownBy(() -> decoder.decompress(ChunkId.of(plain), frame, 0, frame.length - 3))
                    .isInstanceOf(CorruptDataException.class);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
