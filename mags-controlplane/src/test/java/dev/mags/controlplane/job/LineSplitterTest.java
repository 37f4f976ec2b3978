package dev.mags.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    private final List<String> lines = new ArrayList<>();

    private List<String> split(int max, String text) throws Exception {
        new LineSplitter(max, lines::add).pump(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        return lines;
    }

    @Test
    void splitsOnNewlinesAndKeepsEmptyLines() throws Exception {
        assertThat(split(64, "a\n\nb\n")).containsExactly("a", "", "b");
    }

    @Test
    void deliversAFinalLineWithoutNewline() throws Exception {
        assertThat(split(64, "a\nlast")).containsExactly("a", "last");
    }

    @Test
    void keepsCarriageReturnsAsTheyAre() throws Exception {
        assertThat(split(64, "dos\r\n")).containsExactly("dos\r");
    }

    @Test
    void cutsALongLineIntoPiecesOfTheLimit() throws Exception {
        assertThat(split(4, "abcdefghij\nk\n")).containsExactly("abcd", "efgh", "ij", "k");
    }

    @Test
    void aLineExactlyAtTheLimitIsOneLine() throws Exception {
        assertThat(split(4, "abcd\nef")).containsExactly("abcd", "ef");
    }

    @Test
    void neverCutsInsideAUtf8Character() throws Exception {
        // "aé€" is 1 + 2 + 3 bytes: a 5-byte limit must not split the euro sign.
        assertThat(split(5, "aé€b\n")).containsExactly("aé", "€b");
    }

    @Test
    void theDefaultLimitIs64KiB() throws Exception {
        String longLine = "x".repeat(LineSplitter.MAX_LINE_BYTES + 10);
        new LineSplitter(lines::add).pump(new ByteArrayInputStream((longLine + "\n").getBytes(StandardCharsets.UTF_8)));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).hasSize(64 * 1024);
        assertThat(lines.get(1)).hasSize(10);
    }

    @Test
    void handsOverNothingForAnEmptyStream() throws Exception {
        assertThat(split(64, "")).isEmpty();
    }
}
