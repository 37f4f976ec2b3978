package dev.mags.controlplane.state;

import dev.mags.api.LogSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migration 5: job output moves from a row per line ({@code job_logs}) to rows of packed lines
 * ({@code job_output}, see {@link OutputChunk}), jobs get {@code output_bytes} for the retention caps
 * and an index by finish time for the age limit. Java rather than SQL because the lines already kept
 * are packed on the way, with the same code that packs new ones, in plain JDBC (SQLite and PostgreSQL).
 */
final class V5JobOutput implements JavaMigration {
    private static final Logger LOG = LoggerFactory.getLogger(V5JobOutput.class);

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("5");
    }

    @Override
    public String getDescription() {
        return "job output packed";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE job_output (
                        job_id     VARCHAR(64) NOT NULL REFERENCES jobs(id),
                        first_seq  BIGINT      NOT NULL,
                        last_seq   BIGINT      NOT NULL,
                        base_ts    BIGINT      NOT NULL,
                        bytes      BIGINT      NOT NULL,
                        data       TEXT        NOT NULL,
                        PRIMARY KEY (job_id, first_seq)
                    )""");
            s.execute("ALTER TABLE jobs ADD COLUMN output_bytes BIGINT NOT NULL DEFAULT 0");
            s.execute("CREATE INDEX jobs_by_finish ON jobs (finished_at)");
        }
        LOG.info("state store: packing the stored output lines into job_output (once; it reads every stored line)");
        long start = System.nanoTime();
        long lines = pack(c);
        try (Statement s = c.createStatement()) {
            s.execute("UPDATE jobs SET output_bytes = (SELECT COALESCE(SUM(bytes), 0) FROM job_output "
                    + "WHERE job_output.job_id = jobs.id)");
            s.execute("DROP TABLE job_logs");
        }
        LOG.info("state store: packed {} output lines in {} ms", lines, (System.nanoTime() - start) / 1_000_000);
    }

    /** Copies every line of job_logs into packed rows; returns how many. */
    private static long pack(Connection c) throws SQLException {
        long lines = 0;
        try (Statement read = c.createStatement();
                ResultSet rs = read.executeQuery("SELECT job_id, seq, ts, source, message FROM job_logs ORDER BY job_id, seq");
                PreparedStatement insert = c.prepareStatement("INSERT INTO job_output (job_id, first_seq, last_seq, "
                        + "base_ts, bytes, data) VALUES (?, ?, ?, ?, ?, ?)")) {
            String job = null;
            OutputChunk.Builder row = null;
            while (rs.next()) {
                String id = rs.getString(1);
                long seq = rs.getLong(2);
                long ts = rs.getLong(3);
                if (row != null && (!id.equals(job) || seq != row.lastSeq() + 1 || row.bytes() >= LogStore.ROW_BYTES)) {
                    write(insert, job, row.build());
                    row = null;
                }
                if (row == null) {
                    row = new OutputChunk.Builder(seq, ts);
                    job = id;
                }
                row.add(LogSource.fromWire(rs.getString(4)), ts, rs.getString(5));
                lines++;
            }
            if (row != null) {
                write(insert, job, row.build());
            }
        }
        return lines;
    }

    private static void write(PreparedStatement insert, String jobId, OutputChunk chunk) throws SQLException {
        insert.setString(1, jobId);
        insert.setLong(2, chunk.firstSeq());
        insert.setLong(3, chunk.lastSeq());
        insert.setLong(4, chunk.baseTs());
        insert.setLong(5, chunk.bytes());
        insert.setString(6, chunk.data());
        insert.executeUpdate();
    }
}
