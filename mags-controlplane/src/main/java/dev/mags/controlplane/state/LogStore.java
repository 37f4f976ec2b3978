package dev.mags.controlplane.state;

import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Job output lines, kept after the job ends. */
public final class LogStore {
    private final Jdbi jdbi;

    public LogStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Appends lines in one transaction. */
    public void append(String jobId, List<LogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            PreparedBatch batch = h.prepareBatch(
                    "INSERT INTO job_logs (job_id, seq, ts, source, message) VALUES (:job, :seq, :ts, :source, :msg)");
            for (LogEntry e : entries) {
                batch.bind("job", jobId).bind("seq", e.seq()).bind("ts", e.timestamp().toEpochMilli())
                        .bind("source", e.source().wireName()).bind("msg", e.message()).add();
            }
            batch.execute();
        });
    }

    /** Lines with {@code afterSeq < seq <= upToSeq}, in order. */
    public List<LogEntry> read(String jobId, long afterSeq, long upToSeq) {
        return jdbi.withHandle(h -> h.createQuery("SELECT seq, ts, source, message FROM job_logs "
                        + "WHERE job_id = :job AND seq > :after AND seq <= :upto ORDER BY seq")
                .bind("job", jobId).bind("after", afterSeq).bind("upto", upToSeq)
                .map((rs, ctx) -> new LogEntry(rs.getLong("seq"), Instant.ofEpochMilli(rs.getLong("ts")),
                        LogSource.fromWire(rs.getString("source")), rs.getString("message")))
                .list());
    }

    public List<LogEntry> readAll(String jobId, long afterSeq) {
        return read(jobId, afterSeq, Long.MAX_VALUE);
    }

    public long maxSeq(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(seq), 0) FROM job_logs WHERE job_id = :job")
                .bind("job", jobId).mapTo(Long.class).one());
    }
}
