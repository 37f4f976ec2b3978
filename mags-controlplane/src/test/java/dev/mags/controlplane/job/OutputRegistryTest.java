package dev.mags.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import dev.mags.controlplane.state.LogPage;
import dev.mags.controlplane.state.StateFixture;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

@ParameterizedClass
@EnumSource(StateBackend.class)
class OutputRegistryTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;

    /** Reads every page after {@code after}; checks that only the last one is not full. */
    private static List<LogEntry> readAll(OutputRegistry outputs, String jobId) {
        List<LogEntry> all = new ArrayList<>();
        while (true) {
            LogPage page = outputs.page(jobId, all.isEmpty() ? 0 : all.getLast().seq());
            assertThat(page.entries()).hasSizeLessThanOrEqualTo(LogPage.MAX_LINES);
            all.addAll(page.entries());
            if (!page.full()) {
                return all;
            }
        }
    }

    @Test
    void aLiveJobIsReadInPagesOfStoredThenUnstoredLinesEachOnce() {
        try (StateFixture state = new StateFixture(dir, backend);
                OutputRegistry outputs = new OutputRegistry(state.logs, 1L << 30, 1L << 30, 3_600_000)) {
            String id = state.job(state.user("alice"), Instant.now());
            JobOutput out = outputs.open(id);
            for (int i = 1; i <= 25_000; i++) {
                out.append(i % 3 == 0 ? LogSource.STDERR : LogSource.STDOUT, Instant.now(), "line " + i);
                if (i == 12_345) {
                    out.persist(state.logs);
                }
            }
            assertThat(out.snapshot(0).persistedUpTo()).isEqualTo(12_345);
            List<LogEntry> all = readAll(outputs, id);
            assertThat(all).hasSize(25_000);
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).seq()).isEqualTo(i + 1);
                assertThat(all.get(i).message()).isEqualTo("line " + (i + 1));
            }
            assertThat(outputs.page(id, 24_990).entries()).hasSize(10);

            out.persist(state.logs);
            out.close(null);
            outputs.remove(id);
            assertThat(readAll(outputs, id)).isEqualTo(all);
            assertThat(outputs.follow(id, 25_000, new JobOutputTest.Recorder())).isEqualTo(JobOutput.Follow.ENDED);
        }
    }

    @Test
    void aPageHoldsAboutAMebibyteOfTextHoweverLongTheLines() {
        try (StateFixture state = new StateFixture(dir, backend);
                OutputRegistry outputs = new OutputRegistry(state.logs, 1L << 30, 50)) {
            String id = state.job(state.user("alice"), Instant.now());
            JobOutput out = outputs.open(id);
            String line = "x".repeat(60_000);
            for (int i = 0; i < 40; i++) {
                out.append(LogSource.STDOUT, Instant.now(), line);
            }
            out.persist(state.logs);
            LogPage first = outputs.page(id, 0);
            assertThat(first.full()).isTrue();
            assertThat(first.entries()).hasSize((int) (LogPage.MAX_CHARS / line.length()));
            assertThat(readAll(outputs, id)).hasSize(40);
        }
    }
}
