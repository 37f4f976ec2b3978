package dev.mags.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.api.JobInfo;
import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobOutputTest {
    static final class Recorder implements OutputSubscriber {
        final List<LogEntry> lines = new ArrayList<>();
        JobInfo finished;

        @Override
        public void onLog(LogEntry entry) {
            lines.add(entry);
        }

        @Override
        public void onFinished(JobInfo info) {
            finished = info;
        }
    }

    @Test
    void subscribersSeeOnlyLinesAfterTheirSnapshot() {
        JobOutput out = new JobOutput("j", 0, 1 << 20);
        out.append(LogSource.STDOUT, Instant.now(), "one");
        Recorder r = new Recorder();
        JobOutput.Snapshot snap = out.subscribe(0, r);
        assertThat(snap.unpersisted()).extracting(LogEntry::message).containsExactly("one");
        assertThat(snap.persistedUpTo()).isZero();
        out.append(LogSource.STDERR, Instant.now(), "two");
        assertThat(r.lines).extracting(LogEntry::seq).containsExactly(2L);
    }

    @Test
    void aClosedOutputRefusesSubscribersAndTellsExistingOnes() {
        JobOutput out = new JobOutput("j", 0, 1 << 20);
        Recorder r = new Recorder();
        out.subscribe(0, r);
        out.close(null);
        assertThat(out.subscribe(0, new Recorder())).isNull();
        out.append(LogSource.STDOUT, Instant.now(), "late");
        assertThat(r.lines).isEmpty();
    }

    @Test
    void outputPastTheLimitIsDroppedAfterOneNotice() {
        JobOutput out = new JobOutput("j", 0, 20);
        Recorder r = new Recorder();
        out.subscribe(0, r);
        for (int i = 0; i < 10; i++) {
            out.append(LogSource.STDOUT, Instant.now(), "0123456789");
        }
        assertThat(r.lines).hasSize(2);
        assertThat(r.lines.get(1).source()).isEqualTo(LogSource.SYSTEM);
        assertThat(r.lines.get(1).message()).contains("output truncated");
    }

    @Test
    void sequenceContinuesAfterPersistedLines() {
        JobOutput out = new JobOutput("j", 41, 1 << 20);
        Recorder r = new Recorder();
        out.subscribe(0, r);
        out.append(LogSource.STDOUT, Instant.now(), "x");
        assertThat(r.lines.getFirst().seq()).isEqualTo(42);
    }
}
