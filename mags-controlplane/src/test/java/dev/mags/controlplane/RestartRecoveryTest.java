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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void runningJobsEndInErrorAndPendingJobsRunAfterARestart() {
        // State as a killed server leaves it: one job running, one pending.
        try (Database db = Database.sqlite(dir.resolve("state.db"))) {
            new UserStore(db.jdbi()).insertUser(new UserRecord("u1", "alice", true, Instant.now()));
            JobStore jobs = new JobStore(db.jdbi());
            jobs.insert(job("was-running", JobStatus.PENDING));
            jobs.markRunning("was-running", Instant.now());
            jobs.insert(job("was-pending", JobStatus.PENDING));
        }
        FakeAgent agent = new FakeAgent("busybox");
        try (Database db = Database.sqlite(dir.resolve("state.db"));
                ControlPlane cp = new ControlPlane(ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox"), db,
                        agent, Clock.systemUTC()).start()) {
            JobStore jobs = new JobStore(db.jdbi());
            JobRecord crashed = jobs.findAnyUser("was-running").orElseThrow();
            assertThat(crashed.status()).isEqualTo(JobStatus.ERROR);
            assertThat(crashed.errorMessage()).contains("magsd stopped while the job was running");
            assertThat(crashed.finishedAt()).isNotNull();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    jobs.findAnyUser("was-pending").orElseThrow().status() == JobStatus.COMPLETED);
        }
    }

    private static JobRecord job(String id, JobStatus status) {
        return new JobRecord(id, "u1", null, "out hi", "inline", "busybox", Map.of(), null, null, status, null, null,
                Instant.now(), null, null, null);
    }
}
