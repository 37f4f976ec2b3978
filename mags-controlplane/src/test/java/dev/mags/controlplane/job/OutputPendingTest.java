package dev.mags.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.controlplane.state.StateBackend;
import dev.mags.controlplane.state.StateFixture;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A job whose exit is stored before its last output lines is shown running, to every reader of the store (another
 * replica, a poller), until the lines are stored; a mark left by a replica that crashed in between counts for a
 * few seconds only.
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class OutputPendingTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;

    @Test
    void aJobIsShownRunningUntilItsLastLinesAreStoredThenWithItsExit() {
        try (StateFixture state = new StateFixture(dir, backend)) {
            String user = state.user("alice");
            String id = state.job(user, Instant.now());
            state.jobs.markRunning(id, Instant.now());
            Instant end = Instant.now();
            assertThat(state.jobs.finishBeforeOutput(id, JobStatus.ERROR, 3, "script exited with code 3", end)).isTrue();

            // the exit is stored (a crash now cannot lose it) ...
            assertThat(state.jobs.findAnyUser(id).orElseThrow().exitCode()).isEqualTo(3);
            // ... but readers see the job running, with no exit yet
            JobInfo meanwhile = JobViews.info(state.jobs.findAnyUser(id).orElseThrow(), end.plusMillis(50));
            assertThat(meanwhile.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(meanwhile.exitCode()).isNull();
            assertThat(meanwhile.finishedAt()).isNull();

            state.jobs.outputStored(id);
            JobInfo after = JobViews.info(state.jobs.findAnyUser(id).orElseThrow(), end.plusMillis(60));
            assertThat(after.status()).isEqualTo(JobStatus.ERROR);
            assertThat(after.exitCode()).isEqualTo(3);
            assertThat(after.errorMessage()).isEqualTo("script exited with code 3");
        }
    }

    @Test
    void aMarkNeverClearedStopsHidingTheEndAfterAFewSeconds() {
        try (StateFixture state = new StateFixture(dir, backend)) {
            String id = state.job(state.user("bob"), Instant.now());
            state.jobs.markRunning(id, Instant.now());
            Instant end = Instant.now();
            state.jobs.finishBeforeOutput(id, JobStatus.COMPLETED, 0, null, end);

            var row = state.jobs.findAnyUser(id).orElseThrow();
            assertThat(JobViews.info(row, end.plus(JobViews.OUTPUT_PENDING_AT_MOST).minusMillis(1)).status())
                    .isEqualTo(JobStatus.RUNNING);
            assertThat(JobViews.info(row, end.plus(JobViews.OUTPUT_PENDING_AT_MOST)).status())
                    .isEqualTo(JobStatus.COMPLETED);
        }
    }

    @Test
    void aJobFinishedOtherwiseIsShownEndedAtOnce() {
        try (StateFixture state = new StateFixture(dir, backend)) {
            String id = state.finishedJob(state.user("carol"), Instant.now());
            assertThat(JobViews.info(state.jobs.findAnyUser(id).orElseThrow(), Instant.now()).status())
                    .isEqualTo(JobStatus.COMPLETED);
        }
    }
}
