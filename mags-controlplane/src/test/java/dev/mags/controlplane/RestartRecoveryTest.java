package dev.mags.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mags.api.JobStatus;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.JobStore;
import dev.mags.controlplane.state.UserRecord;
import dev.mags.controlplane.state.UserStore;
import dev.mags.controlplane.placement.SingleAgent;
import dev.mags.controlplane.workspace.WorkspaceCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

@ParameterizedClass
@EnumSource(StateBackend.class)
class RestartRecoveryTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;

    @Test
    void runningAndLaunchedJobsEndInErrorAndOnlyNeverLaunchedPendingJobsRunAfterARestart() {
        // State as a killed server leaves it: one job running, one launched (its script may have started
        // before the kill, it was not yet marked running), one pending that never got that far.
        try (Database db = backend.open(dir)) {
            new UserStore(db.jdbi()).insertUser(new UserRecord("u1", "alice", true, Instant.now()));
            JobStore jobs = new JobStore(db.jdbi());
            jobs.insert(job("was-running", JobStatus.PENDING));
            jobs.markLaunched("was-running", Instant.now());
            jobs.markRunning("was-running", Instant.now());
            jobs.insert(job("was-launched", JobStatus.PENDING));
            jobs.markLaunched("was-launched", Instant.now());
            jobs.insert(job("was-pending", JobStatus.PENDING));
        }
        FakeAgent agent = new FakeAgent("busybox");
        try (Database db = backend.open(dir);
                ControlPlane cp = new ControlPlane(ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox"), db,
                        new SingleAgent(agent), WorkspaceCatalog.NONE, new dev.mags.controlplane.files.MapFileBlobs(),
                        Clock.systemUTC()).start()) {
            JobStore jobs = new JobStore(db.jdbi());
            JobRecord crashed = jobs.findAnyUser("was-running").orElseThrow();
            assertThat(crashed.status()).isEqualTo(JobStatus.ERROR);
            assertThat(crashed.errorMessage()).contains("magsd stopped while the job was running");
            assertThat(crashed.finishedAt()).isNotNull();

            JobRecord launched = jobs.findAnyUser("was-launched").orElseThrow();
            assertThat(launched.status()).isEqualTo(JobStatus.ERROR);
            assertThat(launched.errorMessage()).startsWith("magsd stopped while starting the job")
                    .contains("may or may not have started and was not run again");
            assertThat(launched.finishedAt()).isNotNull();

            await().atMost(Duration.ofSeconds(5)).until(() ->
                    jobs.findAnyUser("was-pending").orElseThrow().status() == JobStatus.COMPLETED);
            assertThat(agent.launched).extracting(spec -> spec.id().value()).containsExactly("was-pending");
        }
    }

    @Test
    void aLaunchIsRecordedOnlyOnceAndOnlyForAPendingJob() {
        try (Database db = backend.open(dir)) {
            new UserStore(db.jdbi()).insertUser(new UserRecord("u1", "alice", true, Instant.now()));
            JobStore jobs = new JobStore(db.jdbi());
            jobs.insert(job("j", JobStatus.PENDING));
            assertThat(jobs.findAnyUser("j").orElseThrow().launchedAt()).isNull();
            assertThat(jobs.markLaunched("j", Instant.ofEpochMilli(1000))).isTrue();
            assertThat(jobs.markLaunched("j", Instant.ofEpochMilli(2000))).as("a second launch").isFalse();
            assertThat(jobs.findAnyUser("j").orElseThrow().launchedAt()).isEqualTo(Instant.ofEpochMilli(1000));

            jobs.insert(job("done", JobStatus.PENDING));
            jobs.finish("done", JobStatus.ERROR, null, "stopped before it started", Instant.now());
            assertThat(jobs.markLaunched("done", Instant.now())).as("a job that has ended").isFalse();
        }
    }

    private static JobRecord job(String id, JobStatus status) {
        return new JobRecord(id, "u1", null, "out hi", "inline", "busybox", Map.of(), null, null, status, null, null,
                Instant.now(), null, null, null);
    }
}
