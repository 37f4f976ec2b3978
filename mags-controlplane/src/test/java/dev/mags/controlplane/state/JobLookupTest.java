package dev.mags.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.api.JobStatus;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** What a name or request id means when a user execs, opens SSH or a URL: {@link JobStore#findByIdOrName}. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class JobLookupTest {
    @Parameter
    StateBackend backend;

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path dir;
    private StateFixture state;
    private String alice;
    private String bob;

    @BeforeEach
    void open() {
        state = new StateFixture(dir, backend);
        alice = state.user("alice");
        bob = state.user("bob");
    }

    @AfterEach
    void close() {
        state.close();
    }

    private String job(String user, String name, String workspace, JobStatus status, int minute) {
        String id = UUID.randomUUID().toString();
        state.jobs.insert(new JobRecord(id, user, name, "true", "inline", "busybox", Map.of(), null, null, status, null,
                null, T0.plusSeconds(60L * minute), null, null, workspace));
        return id;
    }

    @Test
    void aRequestIdMeansThatJobWhateverItsName() {
        String old = job(alice, "web", null, JobStatus.COMPLETED, 1);
        job(alice, "web", null, JobStatus.RUNNING, 2);
        assertThat(state.jobs.findByIdOrName(alice, old)).map(JobRecord::id).contains(old);
    }

    @Test
    void aNameMeansTheNewestLiveJobOfThatNameOrWorkspaceElseTheNewest() {
        String running = job(alice, null, "web", JobStatus.RUNNING, 1);
        job(alice, "web", null, JobStatus.COMPLETED, 2);
        assertThat(state.jobs.findByIdOrName(alice, "web")).map(JobRecord::id).contains(running);
        String newer = job(alice, "web", null, JobStatus.SLEEPING, 3);
        assertThat(state.jobs.findByIdOrName(alice, "web")).map(JobRecord::id).contains(newer);
        String done = job(alice, "batch", null, JobStatus.ERROR, 4);
        assertThat(state.jobs.findByIdOrName(alice, "batch")).map(JobRecord::id).contains(done);
    }

    @Test
    void anotherUsersIdsAndNamesMeanNothing() {
        String hers = job(alice, "web", "site", JobStatus.RUNNING, 1);
        assertThat(state.jobs.findByIdOrName(bob, hers)).isEmpty();
        assertThat(state.jobs.findByIdOrName(bob, "web")).isEmpty();
        assertThat(state.jobs.findByIdOrName(bob, "site")).isEmpty();
        assertThat(state.jobs.findByIdOrName(alice, "nothing")).isEmpty();
    }
}
