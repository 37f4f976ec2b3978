package dev.mags.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.api.JobStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state.db that magsd made before PostgreSQL was supported (schema 14, resource {@code state/schema-v14.sqlite.gz}:
 * user alice with a token, a finished job with output, a workspace) still opens: Flyway validates the checksums
 * it recorded against today's migration files, so a migration whose content changed, or that moved to a location
 * with another version, fails here instead of on users' servers.
 */
class ExistingSqliteStateTest {
    @TempDir
    Path dir;

    @Test
    void aStateFileOfTheReleaseBeforeOpensAndKeepsItsRows() throws IOException {
        Path file = dir.resolve("state.db");
        try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream("/state/schema-v14.sqlite.gz"))) {
            Files.copy(in, file);
        }
        try (Database db = Database.sqlite(file)) {
            assertThat(new UserStore(db.jdbi()).findByTokenHash("0".repeat(64))).hasValueSatisfying(owner -> {
                assertThat(owner.user().name()).isEqualTo("alice");
                assertThat(owner.tokenPrefix()).isEqualTo("mags_abcd");
            });
            JobRecord job = new JobStore(db.jdbi()).findAnyUser("job-1").orElseThrow();
            assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(job.environment()).containsEntry("A", "b");
            assertThat(new LogStore(db.jdbi()).read("job-1", 0, Long.MAX_VALUE).entries())
                    .singleElement().satisfies(e -> assertThat(e.message()).isEqualTo("hi"));
            assertThat(new WorkspaceStore(db.jdbi()).list("u-alice")).extracting(WorkspaceRecord::name)
                    .containsExactly("ws1");
            int applied = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM flyway_schema_history "
                    + "WHERE success").mapTo(Integer.class).one());
            assertThat(applied).isGreaterThanOrEqualTo(14);
        }
    }
}
