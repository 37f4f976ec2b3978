package dev.mags.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import dev.mags.controlplane.state.LogPage;
import dev.mags.controlplane.state.OutputChunk;
import dev.mags.controlplane.state.StateFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

@ParameterizedClass
@EnumSource(StateBackend.class)
class RetentionReaperTest {
    @Parameter
    StateBackend backend;

    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    @TempDir
    Path dir;
    StateFixture state;

    @BeforeEach
    void open() {
        state = new StateFixture(dir, backend);
    }

    @AfterEach
    void close() {
        state.close();
    }

    /** Stores {@code bytes} of output (lines of 100 bytes as stored) for a job. */
    private void output(String jobId, long bytes) {
        long seq = state.logs.tail(jobId).lastSeq();
        OutputChunk.Builder b = new OutputChunk.Builder(seq + 1, NOW.toEpochMilli());
        while (b.bytes() < bytes) {
            b.add(LogSource.STDOUT, NOW.toEpochMilli(), "x".repeat(96));
        }
        state.logs.append(jobId, b.build(), -1);
    }

    private String finished(String user, Duration ago, long bytes) {
        String id = state.finishedJob(user, NOW.minus(ago));
        if (bytes > 0) {
            output(id, bytes);
        }
        return id;
    }

    private RetentionReaper reaper(long perUser, long total) {
        return new RetentionReaper(state.jobs, state.logs, state.db, Clock.fixed(NOW, ZoneOffset.UTC),
                new OutputPolicy(1000, perUser, total, Duration.ofDays(30), Duration.ofMinutes(1)));
    }

    private List<LogEntry> logs(String jobId) {
        return state.logs.read(jobId, 0, Long.MAX_VALUE).entries();
    }

    @Test
    void oldJobsGoFirstThenTheOldestOutputOfAUserOverItsCapThenTheOldestOnTheServer() {
        String alice = state.user("alice");
        String bob = state.user("bob");
        String expired = finished(alice, Duration.ofDays(40), 1000);
        String a2 = finished(alice, Duration.ofHours(3), 4000);
        String a3 = finished(alice, Duration.ofHours(2), 4000);
        String a4 = finished(alice, Duration.ofHours(1), 4000);
        String running = state.job(bob, NOW.minus(Duration.ofDays(60))); // older than everything, but running
        state.jobs.markRunning(running, NOW.minus(Duration.ofDays(60)));
        output(running, 2000);
        String b1 = finished(bob, Duration.ofHours(5), 3000);
        String b2 = finished(bob, Duration.ofMinutes(30), 3000);

        RetentionReaper.Result r = reaper(10_000, 15_000).reap();

        assertThat(r.jobsDeleted()).isEqualTo(1);
        assertThat(state.jobs.findAnyUser(expired)).isEmpty();
        assertThat(logs(expired)).isEmpty();
        // alice kept 12,000 bytes over a cap of 10,000: her oldest job's output goes
        assertThat(logs(a2)).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo(LogSource.SYSTEM);
            assertThat(e.seq()).isEqualTo(41); // after the 40 lines it replaces
            assertThat(e.message()).startsWith("output removed on 2026-12-06T12:00:00Z by the server's retention: "
                    + "this user's jobs keep more than 10000 bytes of output");
        });
        // then the server kept 8,000 + 8,000 (running job included) over 15,000: the oldest finished job's goes
        assertThat(logs(b1)).singleElement().satisfies(e ->
                assertThat(e.message()).contains("the server keeps more than 15000 bytes of job output"));
        assertThat(logs(a3)).hasSize(40);
        assertThat(logs(a4)).hasSize(40);
        assertThat(logs(b2)).hasSize(30);
        assertThat(logs(running)).hasSize(20);
        assertThat(state.jobs.findAnyUser(a2)).isPresent();
        assertThat(r.outputsRemoved()).isEqualTo(2);
        assertThat(r.bytesRemoved()).isEqualTo(7000);
        assertThat(state.jobs.keptOutputBytes()).isEqualTo(13_000);

        // A second pass finds everything within the limits.
        assertThat(reaper(10_000, 15_000).reap()).isEqualTo(new RetentionReaper.Result(0, 0, 0, 0));
    }

    @Test
    void afterDeletionsTheDatabaseFilesShrink() {
        String alice = state.user("alice");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = finished(alice, Duration.ofDays(31), 0);
            for (int row = 0; row < 8; row++) {
                output(id, 64 * 1024);
            }
            ids.add(id);
        }
        if (backend == StateBackend.POSTGRESQL) {
            // PostgreSQL's autovacuum gives the space back: compact() does nothing there and says so
            RetentionReaper.Result r = reaper(1L << 40, 1L << 40).reap();
            assertThat(r.jobsDeleted()).isEqualTo(40);
            assertThat(r.fileBytesFreed()).isZero();
            assertThat(ids).allSatisfy(id -> assertThat(state.jobs.findAnyUser(id)).isEmpty());
            return;
        }
        state.db.jdbi().useHandle(h -> h.execute("PRAGMA wal_checkpoint(TRUNCATE)"));
        long before = state.fileBytes();
        assertThat(before).isGreaterThan(20L << 20);

        RetentionReaper.Result r = reaper(1L << 40, 1L << 40).reap();

        assertThat(r.jobsDeleted()).isEqualTo(40);
        long after = state.fileBytes();
        assertThat(after).isLessThan(1L << 20);
        assertThat(r.fileBytesFreed()).isGreaterThan(before - (2L << 20));
        assertThat(ids).allSatisfy(id -> assertThat(state.jobs.findAnyUser(id)).isEmpty());
    }

    @Test
    void aUserOverTheCapWithOnlyRunningJobsKeepsTheirOutput() {
        String alice = state.user("alice");
        String running = state.job(alice, NOW);
        state.jobs.markRunning(running, NOW);
        output(running, 5000);
        RetentionReaper.Result r = reaper(1000, 1000).reap();
        assertThat(r.outputsRemoved()).isZero();
        LogPage page = state.logs.read(running, 0, Long.MAX_VALUE);
        assertThat(page.entries()).hasSize(50);
    }
}
