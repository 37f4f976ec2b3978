package dev.mags.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.api.LogEntry;
import dev.mags.controlplane.FakeAgent;
import dev.mags.controlplane.placement.LiveSandboxes;
import dev.mags.controlplane.placement.SingleAgent;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.JobStore;
import dev.mags.controlplane.state.LogStore;
import dev.mags.controlplane.state.UserRecord;
import dev.mags.controlplane.state.UserStore;
import dev.mags.controlplane.state.WorkspaceStore;
import dev.mags.controlplane.workspace.WorkspaceLocks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/**
 * A job's exit is stored before its remaining output, so that a crash in between cannot turn a job that
 * ended into one reported as interrupted; followers still get every line before the final status.
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class FinishOrderTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;

    /** A follower that notes, when told the final status, how many of the job's lines the store holds. */
    private static final class Follower implements OutputSubscriber {
        final List<LogEntry> lines = new CopyOnWriteArrayList<>();
        final LogStore store;
        volatile JobInfo finished;
        volatile int storedWhenFinished = -1;

        Follower(LogStore store) {
            this.store = store;
        }

        @Override
        public boolean onLog(LogEntry entry) {
            lines.add(entry);
            return true;
        }

        @Override
        public void onFinished(JobInfo info) {
            storedWhenFinished = store.read(info.requestId(), 0, Long.MAX_VALUE).entries().size();
            finished = info;
        }
    }

    @Test
    void theFinalStatusIsStoredBeforeTheRemainingOutputAndFollowersMissNoLine() {
        try (Database db = backend.open(dir)) {
            new UserStore(db.jdbi()).insertUser(new UserRecord("u1", "alice", true, Instant.now()));
            // Notes how many output lines were stored at the moment the job's status became final.
            db.jdbi().useHandle(h -> {
                h.execute("CREATE TABLE probe (job_id TEXT, lines_stored INTEGER)");
                String probe = "INSERT INTO probe SELECT NEW.id, COALESCE(SUM(last_seq - first_seq + 1), 0) "
                        + "FROM job_output WHERE job_id = NEW.id;";
                if (backend == StateBackend.SQLITE) {
                    h.execute("CREATE TRIGGER final_status_probe AFTER UPDATE OF status ON jobs "
                            + "WHEN NEW.status IN ('completed', 'error') BEGIN " + probe + " END");
                } else {
                    h.execute("CREATE FUNCTION final_status_probe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "IF NEW.status IN ('completed', 'error') THEN " + probe + " END IF; RETURN NEW; END $$");
                    h.execute("CREATE TRIGGER final_status_probe AFTER UPDATE OF status ON jobs FOR EACH ROW "
                            + "EXECUTE FUNCTION final_status_probe()");
                }
            });
            JobStore jobs = new JobStore(db.jdbi());
            LogStore logs = new LogStore(db.jdbi());
            // No background flush within the test: every line is still in memory when the job ends.
            try (OutputRegistry outputs = new OutputRegistry(logs, 1 << 20, Duration.ofHours(1).toMillis());
                    SingleAgent agents = new SingleAgent(new FakeAgent("busybox"));
                    JobRunner runner = new JobRunner(agents, new LiveSandboxes(agents), jobs, logs, outputs, Clock.systemUTC(), 2,
                            Duration.ofSeconds(1), Duration.ofMinutes(1), new WorkspaceStore(db.jdbi()),
                            new WorkspaceLocks(), new SandboxActivity(Clock.systemUTC()), new JobFiles(jobs, null),
                            new dev.mags.controlplane.usage.SandboxUsageRecorder(new dev.mags.controlplane.state.UsageStore(db.jdbi()), Clock.systemUTC()))) {
                JobRecord job = new JobRecord("j1", "u1", null, "out one\nerr two\nout three", "inline", "busybox",
                        Map.of(), null, null, JobStatus.PENDING, null, null, Instant.now(), null, null, null);
                jobs.insert(job);
                Follower follower = new Follower(logs);
                assertThat(outputs.open("j1").follow(0, follower)).isEqualTo(JobOutput.Follow.LIVE);
                runner.enqueue(job);
                runner.awaitEnd("j1", Duration.ofSeconds(10));

                int storedAtStatus = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT lines_stored FROM probe WHERE job_id = 'j1'").mapTo(Integer.class).one());
                assertThat(storedAtStatus).as("output lines stored when the exit was recorded").isZero();
                assertThat(jobs.findAnyUser("j1").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
                assertThat(jobs.findAnyUser("j1").orElseThrow().outputPending()).as("mark cleared once stored").isFalse();
                assertThat(follower.lines).extracting(LogEntry::message).containsExactly("one", "two", "three");
                assertThat(follower.finished.status()).isEqualTo(JobStatus.COMPLETED);
                assertThat(follower.storedWhenFinished).as("lines in the store when followers were told").isEqualTo(3);
            }
        }
    }
}
