package dev.mags.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.LogPage;
import dev.mags.controlplane.state.StateFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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
class JobOutputTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    StateFixture state;
    String jobId;

    @BeforeEach
    void open() {
        state = new StateFixture(dir, backend);
        jobId = state.job(state.user("alice"), Instant.now());
    }

    @AfterEach
    void close() {
        state.close();
    }

    static final class Recorder implements OutputSubscriber {
        final List<LogEntry> lines = new ArrayList<>();
        JobInfo finished;
        boolean keep = true;

        @Override
        public boolean onLog(LogEntry entry) {
            lines.add(entry);
            return keep;
        }

        @Override
        public void onFinished(JobInfo info) {
            finished = info;
        }
    }

    private JobOutput output(long maxBytes, long bufferBytes) {
        return new JobOutput(jobId, state.logs, state.logs.tail(jobId), maxBytes, bufferBytes);
    }

    private List<LogEntry> stored() {
        List<LogEntry> all = new ArrayList<>();
        LogPage page;
        do {
            page = state.logs.read(jobId, all.isEmpty() ? 0 : all.getLast().seq(), Long.MAX_VALUE);
            all.addAll(page.entries());
        } while (page.full());
        return all;
    }

    @Test
    void aFollowerIsSubscribedOnlyOnceItHasEveryLine() {
        JobOutput out = output(1 << 20, 1 << 16);
        out.append(LogSource.STDOUT, Instant.now(), "one");
        Recorder r = new Recorder();
        assertThat(out.follow(0, r)).isEqualTo(JobOutput.Follow.BEHIND);
        assertThat(out.snapshot(0).unpersisted()).extracting(LogEntry::message).containsExactly("one");
        assertThat(out.follow(1, r)).isEqualTo(JobOutput.Follow.LIVE);
        out.append(LogSource.STDERR, Instant.now(), "two");
        assertThat(r.lines).extracting(LogEntry::seq).containsExactly(2L);
        assertThat(r.lines.getFirst().source()).isEqualTo(LogSource.STDERR);
    }

    @Test
    void aSubscriberThatDeclinesALineIsDropped() {
        JobOutput out = output(1 << 20, 1 << 16);
        Recorder r = new Recorder();
        out.follow(0, r);
        r.keep = false;
        out.append(LogSource.STDOUT, Instant.now(), "a");
        out.append(LogSource.STDOUT, Instant.now(), "b");
        assertThat(r.lines).extracting(LogEntry::message).containsExactly("a");
    }

    @Test
    void aClosedOutputEndsFollowersAndTakesNoLines() {
        JobOutput out = output(1 << 20, 1 << 16);
        Recorder r = new Recorder();
        out.follow(0, r);
        out.close(null);
        assertThat(out.follow(0, new Recorder())).isEqualTo(JobOutput.Follow.ENDED);
        out.append(LogSource.STDOUT, Instant.now(), "late");
        assertThat(r.lines).isEmpty();
    }

    @Test
    void outputPastTheLimitIsDroppedAfterOneNoticeAndTheStoreKeepsNoMore() {
        long max = 100;
        JobOutput out = output(max, 1 << 16);
        Recorder r = new Recorder();
        out.follow(0, r);
        for (int i = 0; i < 50; i++) {
            out.append(LogSource.STDOUT, Instant.now(), "0123456789");
        }
        out.persist(state.logs);
        List<LogEntry> kept = stored();
        assertThat(kept).hasSizeBetween(2, 8);
        assertThat(kept.getLast().source()).isEqualTo(LogSource.SYSTEM);
        assertThat(kept.getLast().message()).startsWith("output truncated: the job's output reached 100 bytes");
        assertThat(kept.subList(0, kept.size() - 1)).allSatisfy(e -> assertThat(e.message()).isEqualTo("0123456789"));
        assertThat(r.lines).isEqualTo(kept);
        long stored = state.logs.tail(jobId).bytes();
        assertThat(stored - (kept.getLast().message().length() + 5)).isLessThanOrEqualTo(max);
    }

    @Test
    void sequenceContinuesAfterStoredLines() {
        JobOutput first = output(1 << 20, 1 << 16);
        for (int i = 0; i < 41; i++) {
            first.append(LogSource.STDOUT, Instant.now(), "x" + i);
        }
        first.persist(state.logs);
        JobOutput again = output(1 << 20, 1 << 16);
        Recorder r = new Recorder();
        again.follow(41, r);
        again.append(LogSource.STDOUT, Instant.now(), "y");
        assertThat(r.lines.getFirst().seq()).isEqualTo(42);
    }

    @Test
    void aWriterFasterThanTheStoreWaitsForItWithABoundedBuffer() throws Exception {
        long buffer = 4096;
        JobOutput out = output(Long.MAX_VALUE, buffer);
        String line = "y".repeat(100);
        int lines = 20_000;
        AtomicLong maxBuffered = new AtomicLong();
        Thread producer;
        try (Connection blocker = backend.connect(dir); Statement s = blocker.createStatement()) {
            // the store can take no line now
            if (backend == StateBackend.SQLITE) {
                s.execute("BEGIN EXCLUSIVE");
            } else {
                blocker.setAutoCommit(false);
                s.execute("LOCK TABLE job_output IN ACCESS EXCLUSIVE MODE");
            }
            producer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < lines; i++) {
                    out.append(LogSource.STDOUT, Instant.now(), line);
                    maxBuffered.accumulateAndGet(out.bufferedBytes(), Math::max);
                }
            });
            // The producer filled its buffer and now waits inside the store for the lock.
            await().atMost(Duration.ofSeconds(5)).until(() -> java.util.Arrays.stream(producer.getStackTrace())
                    .anyMatch(f -> f.getClassName().endsWith(".LogStore") && f.getMethodName().equals("append")));
            assertThat(out.bufferedBytes()).isLessThanOrEqualTo(buffer + line.length() + 8);
            if (backend == StateBackend.SQLITE) {
                s.execute("ROLLBACK");
            } else {
                blocker.rollback();
            }
        }
        producer.join();
        out.persist(state.logs);
        assertThat(maxBuffered.get()).isLessThanOrEqualTo(buffer + line.length() + 8);
        List<LogEntry> kept = stored();
        assertThat(kept).hasSize(lines);
        for (int i = 0; i < lines; i++) {
            assertThat(kept.get(i).seq()).isEqualTo(i + 1);
        }
    }

    @Test
    void whileTheStoreFailsLinesPastALimitAreDroppedAndANoticeSaysHowMany() {
        String ghost = "not-yet-in-the-jobs-table"; // its output rows break the foreign key until the job exists
        JobOutput out = new JobOutput(ghost, state.logs, state.logs.tail(ghost), Long.MAX_VALUE, 4096);
        String line = "z".repeat(1000);
        int lines = 3000; // about 3 MiB, three times what may wait in memory
        for (int i = 0; i < lines; i++) {
            out.append(LogSource.STDOUT, Instant.now(), line);
        }
        assertThat(out.bufferedBytes()).isBetween(JobOutput.MAX_UNSTORED, JobOutput.MAX_UNSTORED + 1010);
        state.jobs.insert(new JobRecord(ghost, state.jobs.findAnyUser(jobId).orElseThrow().userId(), null, "true",
                "inline", "busybox", Map.of(), null, null, JobStatus.RUNNING, null, null, Instant.now(), null, null, null));
        out.persist(state.logs);
        out.persist(state.logs);
        LogPage page = state.logs.read(ghost, 0, Long.MAX_VALUE);
        List<LogEntry> kept = new ArrayList<>(page.entries());
        LogEntry notice = kept.getLast();
        int keptLines = kept.size() - 1;
        // each line is stored as 1000 bytes of text plus 4 or 5 (stream, time, separators)
        assertThat(keptLines).isBetween((int) (JobOutput.MAX_UNSTORED / 1005), (int) (JobOutput.MAX_UNSTORED / 1004) + 1);
        assertThat(notice.source()).isEqualTo(LogSource.SYSTEM);
        assertThat(notice.message()).isEqualTo((lines - keptLines) + " lines of output were lost: the server could not store them");
        assertThat(notice.seq()).isEqualTo(keptLines + 1);
    }
}
