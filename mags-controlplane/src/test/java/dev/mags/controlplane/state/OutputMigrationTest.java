package dev.mags.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A state store of the release before (schema 4, a row per line), on either database: its lines survive packed
 * by the Java migration V5, and a SQLite file gets incremental auto-vacuum.
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class OutputMigrationTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;

    @Test
    void linesKeptOneRowEachArePackedAndTheFileIsRewrittenSmaller() throws Exception {
        Path file = dir.resolve("state.db");
        DatabaseUrl url = backend == StateBackend.SQLITE ? new DatabaseUrl("jdbc:sqlite:" + file, null, null)
                : DatabaseUrl.parse(StateBackend.emptyUrl(dir));
        Flyway.configure().dataSource(url.jdbcUrl(), url.user(), url.password()).locations("classpath:db/migration")
                .target("4").load().migrate();
        int lines = 30_000;
        long t0 = 1_765_000_000_000L;
        try (Connection c = backend.connect(dir); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users VALUES ('u1', 'alice', FALSE, 0)");
            for (String job : List.of("big", "small", "silent")) {
                s.execute("INSERT INTO jobs (id, user_id, script, type, image, environment, status, created_at, finished_at) "
                        + "VALUES ('" + job + "', 'u1', 'true', 'inline', 'busybox', '{}', 'completed', 0, 1)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO job_logs VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 1; i <= lines; i++) {
                    p.setString(1, "big");
                    p.setLong(2, i);
                    p.setLong(3, t0 + i * 3L);
                    p.setString(4, i % 2 == 0 ? "stderr" : "stdout");
                    p.setString(5, "y");
                    p.addBatch();
                }
                p.executeBatch();
                String[][] small = {{"stdout", "hello"}, {"system", "output truncated: …"}, {"stderr", "日本"}};
                for (int i = 0; i < small.length; i++) {
                    p.setString(1, "small");
                    p.setLong(2, i + 1);
                    p.setLong(3, t0 - i); // times need not rise
                    p.setString(4, small[i][0]);
                    p.setString(5, small[i][1]);
                    p.executeUpdate();
                }
            }
            c.commit();
        }
        long before = backend == StateBackend.SQLITE ? Files.size(file) : 0;

        try (Database db = backend.open(dir)) {
            LogStore logs = new LogStore(db.jdbi());
            List<LogEntry> big = new ArrayList<>();
            LogPage page;
            do {
                page = logs.read("big", big.isEmpty() ? 0 : big.getLast().seq(), Long.MAX_VALUE);
                big.addAll(page.entries());
            } while (page.full());
            assertThat(big).hasSize(lines);
            for (int i = 0; i < lines; i++) {
                LogEntry e = big.get(i);
                assertThat(e.seq()).isEqualTo(i + 1);
                assertThat(e.timestamp()).isEqualTo(Instant.ofEpochMilli(t0 + (i + 1) * 3L));
                assertThat(e.source()).isEqualTo((i + 1) % 2 == 0 ? LogSource.STDERR : LogSource.STDOUT);
            }
            assertThat(logs.read("small", 0, Long.MAX_VALUE).entries()).containsExactly(
                    new LogEntry(1, Instant.ofEpochMilli(t0), LogSource.STDOUT, "hello"),
                    new LogEntry(2, Instant.ofEpochMilli(t0 - 1), LogSource.SYSTEM, "output truncated: …"),
                    new LogEntry(3, Instant.ofEpochMilli(t0 - 2), LogSource.STDERR, "日本"));
            assertThat(logs.tail("small")).isEqualTo(new LogStore.Tail(3, 9 + 26 + 11)); // "o0 hello\n", "s-1 output truncated: …\n", "e-1 日本\n" in UTF-8
            assertThat(logs.tail("silent")).isEqualTo(new LogStore.Tail(0, 0));
            assertThat(logs.tail("big").bytes()).isEqualTo(lines * 5L); // "o3 y\n"
            if (backend == StateBackend.POSTGRESQL) {
                int tables = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM information_schema.tables "
                        + "WHERE table_name = 'job_logs'").mapTo(Integer.class).one());
                assertThat(tables).isZero();
                return;
            }
            db.jdbi().useHandle(h -> {
                assertThat(h.createQuery("PRAGMA auto_vacuum").mapTo(Integer.class).one()).isEqualTo(2);
                assertThat(h.createQuery("SELECT COUNT(*) FROM sqlite_master WHERE name = 'job_logs'")
                        .mapTo(Integer.class).one()).isZero();
            });
        }
        // the output's pages shrink to under a quarter; the tables later migrations add come on top
        assertThat(Files.size(file)).isLessThan(before / 4 + schemaGrowthAfterV4());
    }

    /** What the migrations after V4 add to an empty SQLite file (new tables and indexes take pages of their own). */
    private long schemaGrowthAfterV4() throws Exception {
        Path v4 = dir.resolve("empty-v4.db");
        Flyway.configure().dataSource("jdbc:sqlite:" + v4, null, null).locations("classpath:db/migration")
                .target("4").load().migrate();
        Path latest = dir.resolve("empty-latest.db");
        try (Database empty = Database.sqlite(latest)) {
            empty.jdbi().useHandle(h -> h.execute("VACUUM"));
        }
        return Math.max(0, Files.size(latest) - Files.size(v4));
    }
}
