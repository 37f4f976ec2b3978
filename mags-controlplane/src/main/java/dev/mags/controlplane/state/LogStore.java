package dev.mags.controlplane.state;

import dev.mags.api.LogSource;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Job output, kept after the job ends, as rows of packed lines ({@link OutputChunk}) of about
 * {@link #ROW_BYTES} each; {@code jobs.output_bytes} holds each job's total, which the caps count.
 */
public final class LogStore {
    /** Size a row grows to before the next lines start a new one. */
    public static final long ROW_BYTES = 64 * 1024;

    private final Jdbi jdbi;
    /**
     * One output write at a time: SQLite has one writer anyway, and writers queued here hold no pooled
     * connection, so noisy jobs cannot take every connection from the API's reads.
     */
    private final ReentrantLock writer = new ReentrantLock(true);

    public LogStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Stores lines in one transaction: appended to the job's row that starts at {@code rowFirstSeq}
     * (whose lines they follow), or as a new row when {@code rowFirstSeq} is negative.
     */
    public void append(String jobId, OutputChunk chunk, long rowFirstSeq) {
        if (chunk.lastSeq() < chunk.firstSeq()) {
            return;
        }
        writer.lock();
        try {
            jdbi.useTransaction(h -> {
                if (rowFirstSeq >= 0) {
                    int updated = h.createUpdate("UPDATE job_output SET data = data || :data, last_seq = :last, "
                                    + "bytes = bytes + :bytes WHERE job_id = :job AND first_seq = :row AND last_seq = :prev")
                            .bind("data", chunk.data()).bind("last", chunk.lastSeq()).bind("bytes", chunk.bytes())
                            .bind("job", jobId).bind("row", rowFirstSeq).bind("prev", chunk.firstSeq() - 1).execute();
                    if (updated != 1) {
                        throw new IllegalStateException("output row " + rowFirstSeq + " of job " + jobId
                                + " does not end before line " + chunk.firstSeq());
                    }
                } else {
                    insert(h, jobId, chunk);
                }
                h.createUpdate("UPDATE jobs SET output_bytes = output_bytes + :bytes WHERE id = :job")
                        .bind("bytes", chunk.bytes()).bind("job", jobId).execute();
            });
        } finally {
            writer.unlock();
        }
    }

    static void insert(Handle h, String jobId, OutputChunk chunk) {
        h.createUpdate("INSERT INTO job_output (job_id, first_seq, last_seq, base_ts, bytes, data) "
                        + "VALUES (:job, :first, :last, :base, :bytes, :data)")
                .bind("job", jobId).bind("first", chunk.firstSeq()).bind("last", chunk.lastSeq())
                .bind("base", chunk.baseTs()).bind("bytes", chunk.bytes()).bind("data", chunk.data()).execute();
    }

    /** A page of lines with {@code afterSeq < seq <= upToSeq}, in order (see {@link LogPage}). */
    public LogPage read(String jobId, long afterSeq, long upToSeq) {
        LogPage.Collector page = new LogPage.Collector(upToSeq);
        jdbi.useHandle(h -> {
            // Only the row holding the first wanted line and those after it; rows are contiguous in seq.
            try (var rows = h.createQuery("SELECT first_seq, base_ts, data FROM job_output WHERE job_id = :job "
                            + "AND first_seq >= (SELECT COALESCE(MAX(first_seq), 0) FROM job_output "
                            + "WHERE job_id = :job AND first_seq <= :after + 1) AND first_seq <= :upto ORDER BY first_seq")
                    .bind("job", jobId).bind("after", afterSeq).bind("upto", upToSeq)
                    .map((rs, ctx) -> new Row(rs.getLong(1), rs.getLong(2), rs.getString(3))).stream()) {
                var it = rows.iterator();
                while (it.hasNext()) {
                    Row r = it.next();
                    if (!OutputChunk.decode(r.firstSeq(), r.baseTs(), r.data(), e -> e.seq() <= afterSeq || page.add(e))) {
                        break;
                    }
                }
            }
        });
        return page.result();
    }

    private record Row(long firstSeq, long baseTs, String data) {}

    /** The last stored seq of a job (0 when none) and its stored bytes. */
    public Tail tail(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(o.last_seq), 0), "
                        + "(SELECT COALESCE(MAX(output_bytes), 0) FROM jobs WHERE id = :job) FROM job_output o WHERE o.job_id = :job")
                .bind("job", jobId).map((rs, ctx) -> new Tail(rs.getLong(1), rs.getLong(2))).one());
    }

    public record Tail(long lastSeq, long bytes) {}

    /**
     * Replaces a finished job's output by one line saying why it is gone, in one transaction; the job
     * then counts no bytes. Returns the bytes removed.
     */
    public long replaceWithNotice(String jobId, String notice, Instant at) {
        writer.lock();
        try {
            return jdbi.inTransaction(h -> {
                long lastSeq = h.createQuery("SELECT COALESCE(MAX(last_seq), 0) FROM job_output WHERE job_id = :job")
                        .bind("job", jobId).mapTo(Long.class).one();
                long removed = h.createQuery("SELECT output_bytes FROM jobs WHERE id = :job")
                        .bind("job", jobId).mapTo(Long.class).findOne().orElse(0L);
                h.createUpdate("DELETE FROM job_output WHERE job_id = :job").bind("job", jobId).execute();
                OutputChunk.Builder b = new OutputChunk.Builder(lastSeq + 1, at.toEpochMilli());
                b.add(LogSource.SYSTEM, at.toEpochMilli(), notice);
                insert(h, jobId, b.build());
                h.createUpdate("UPDATE jobs SET output_bytes = 0 WHERE id = :job").bind("job", jobId).execute();
                return removed;
            });
        } finally {
            writer.unlock();
        }
    }

    /** Deletes the output of these jobs (before the jobs themselves are deleted). */
    public void delete(List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return;
        }
        writer.lock();
        try {
            jdbi.useHandle(h -> h.createUpdate("DELETE FROM job_output WHERE job_id IN (<ids>)")
                    .bindList("ids", jobIds).execute());
        } finally {
            writer.unlock();
        }
    }
}
