package dev.mags.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.api.JobStatus;
import dev.mags.api.LogSource;
import dev.mags.controlplane.auth.TokenService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code magsd db migrate}'s copy: a single-node server's SQLite state, made through the stores, read back through
 * the stores from PostgreSQL; a target that already holds state is refused and left as it was.
 */
class StateCopyTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void everyRowOfTheSqliteStateReadsTheSameFromPostgresql() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("sqlite"));
        String token;
        String alice;
        String done;
        String waiting;
        try (StateFixture sqlite = new StateFixture(dir.resolve("sqlite"))) {
            UserStore sqliteUsers = new UserStore(sqlite.db.jdbi());
            token = new TokenService(sqliteUsers, Clock.systemUTC()).createToken("alice", true);
            alice = sqliteUsers.findByName("alice").orElseThrow().id();
            done = sqlite.finishedJob(alice, T0);
            waiting = sqlite.job(alice, T0.plusSeconds(5));
            OutputChunk.Builder b = new OutputChunk.Builder(1, T0.toEpochMilli());
            b.add(LogSource.STDOUT, T0.toEpochMilli(), "hello from sqlite");
            sqlite.logs.append(done, b.build(), -1);
            new WorkspaceStore(sqlite.db.jdbi()).touch(alice, "web", "key-web", T0);

            try (Database pg = Database.postgres(DatabaseUrl.parse(StateBackend.emptyUrl(dir.resolve("pg"))))) {
                Map<String, Long> rows = StateCopy.copy(sqlite.db, pg);

                assertThat(rows).containsEntry("users", 1L).containsEntry("jobs", 2L).containsEntry("workspaces", 1L);
                JobStore jobs = new JobStore(pg.jdbi());
                assertThat(jobs.find(alice, done).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
                assertThat(jobs.find(alice, done).orElseThrow().exitCode()).isZero();
                assertThat(jobs.find(alice, waiting).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
                assertThat(new LogStore(pg.jdbi()).read(done, 0, Long.MAX_VALUE).entries())
                        .extracting(e -> e.message()).containsExactly("hello from sqlite");
                UserStore users = new UserStore(pg.jdbi());
                assertThat(users.findByName("alice").orElseThrow().admin()).isTrue();
                assertThat(new TokenService(users, Clock.systemUTC()).authenticate("Bearer " + token).userId())
                        .as("the token made on SQLite works on PostgreSQL").isEqualTo(alice);
                assertThat(new WorkspaceStore(pg.jdbi()).list(alice)).extracting(WorkspaceRecord::name).containsExactly("web");

                assertThatThrownBy(() -> StateCopy.copy(sqlite.db, pg)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("already holds mags state");
                assertThat(jobs.find(alice, done)).as("the refused second copy changed nothing").isPresent();
            }
        }
    }
}
