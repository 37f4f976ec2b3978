package dev.mags.controlplane.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8ChunksTest {
    @Test
    void aCharacterSplitBetweenChunksWaitsForItsRest() {
        byte[] text = "a€b✓".getBytes(StandardCharsets.UTF_8);
        Utf8Chunks chunks = new Utf8Chunks();
        StringBuilder out = new StringBuilder();
        for (byte b : text) {
            out.append(chunks.decode(new byte[] {b}, 0, 1));
        }
        assertThat(out.append(chunks.finish())).hasToString("a€b✓");
    }

    @Test
    void invalidBytesAndATruncatedEndBecomeReplacementCharacters() {
        Utf8Chunks chunks = new Utf8Chunks();
        String middle = chunks.decode(new byte[] {'x', (byte) 0xff, 'y', (byte) 0xe2, (byte) 0x82}, 0, 5);
        assertThat(middle).isEqualTo("x\uFFFDy");
        assertThat(chunks.finish()).isEqualTo("\uFFFD");
        assertThat(chunks.decode(new byte[] {'z'}, 0, 1)).isEqualTo("z");
    }
}
