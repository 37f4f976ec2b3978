package dev.mags.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputChunkTest {
    @Test
    void linesComeBackAsTheyWentInWithTheirSizeInUtf8() {
        OutputChunk.Builder b = new OutputChunk.Builder(7);
        long t = 1_765_000_000_000L;
        b.add(LogSource.STDOUT, t, "plain");
        b.add(LogSource.STDERR, t + 1500, "grüße, 日本, 🙂 and a\ttab");
        b.add(LogSource.SYSTEM, t + 900, ""); // times of two readers may go backwards
        b.add(LogSource.STDOUT, t + 900, "two\nlines");
        OutputChunk c = b.build();
        assertThat(c.firstSeq()).isEqualTo(7);
        assertThat(c.lastSeq()).isEqualTo(10);
        assertThat(c.bytes()).isEqualTo(c.data().getBytes(StandardCharsets.UTF_8).length);
        List<LogEntry> out = new ArrayList<>();
        OutputChunk.decode(c.firstSeq(), c.baseTs(), c.data(), out::add);
        assertThat(out).containsExactly(
                new LogEntry(7, Instant.ofEpochMilli(t), LogSource.STDOUT, "plain"),
                new LogEntry(8, Instant.ofEpochMilli(t + 1500), LogSource.STDERR, "grüße, 日本, 🙂 and a\ttab"),
                new LogEntry(9, Instant.ofEpochMilli(t + 900), LogSource.SYSTEM, ""),
                new LogEntry(10, Instant.ofEpochMilli(t + 900), LogSource.STDOUT, "two lines"));
    }

    @Test
    void aRunContinuedByNextDecodesAsOneWhenItsTextIsAppended() {
        OutputChunk.Builder first = new OutputChunk.Builder(1);
        first.add(LogSource.STDOUT, 1000, "a");
        OutputChunk.Builder second = first.next();
        second.add(LogSource.STDOUT, 1250, "b");
        OutputChunk one = first.build();
        OutputChunk two = second.build();
        List<LogEntry> out = new ArrayList<>();
        OutputChunk.decode(one.firstSeq(), one.baseTs(), one.data() + two.data(), out::add);
        assertThat(out).extracting(LogEntry::seq).containsExactly(1L, 2L);
        assertThat(out.get(1).timestamp()).isEqualTo(Instant.ofEpochMilli(1250));
    }

    @Test
    void aOneLetterLineCostsFiveBytesNotARowOfItsOwn() {
        OutputChunk.Builder b = new OutputChunk.Builder(1);
        for (int i = 0; i < 1000; i++) {
            b.add(LogSource.STDOUT, 5000, "y");
        }
        assertThat(b.bytes()).isEqualTo(5000);
    }
}
