package dev.mags.controlplane.state;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** What sandboxes used (table {@code sandbox_usage}) and the job figures of usage summaries; all per user. */
public final class UsageStore {
    private final Jdbi jdbi;

    public UsageStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** One ended sandbox. */
    public record SandboxRow(String userId, String jobId, Instant startedAt, Instant endedAt, long cpuMicros,
            long memoryPeakBytes, long memoryLimitBytes) {}

    public void insert(SandboxRow r) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO sandbox_usage (id, user_id, job_id, started_at, ended_at, "
                        + "cpu_micros, memory_peak_bytes, memory_limit_bytes) VALUES (:id, :u, :j, :s, :e, :c, :p, :l)")
                .bind("id", UUID.randomUUID().toString()).bind("u", r.userId()).bind("j", r.jobId())
                .bind("s", r.startedAt().toEpochMilli()).bind("e", r.endedAt().toEpochMilli()).bind("c", r.cpuMicros())
                .bind("p", r.memoryPeakBytes()).bind("l", r.memoryLimitBytes()).execute());
    }

    /** The user's sandboxes that ended in [from, to), oldest first. */
    public List<SandboxRow> sandboxes(String userId, Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM sandbox_usage WHERE user_id = :u AND ended_at >= :f "
                        + "AND ended_at < :t ORDER BY ended_at")
                .bind("u", userId).bind("f", from.toEpochMilli()).bind("t", to.toEpochMilli())
                .map((rs, ctx) -> new SandboxRow(rs.getString("user_id"), rs.getString("job_id"),
                        Instant.ofEpochMilli(rs.getLong("started_at")), Instant.ofEpochMilli(rs.getLong("ended_at")),
                        rs.getLong("cpu_micros"), rs.getLong("memory_peak_bytes"), rs.getLong("memory_limit_bytes")))
                .list());
    }

    /** A job's times, for its share of a window. */
    public record JobTimes(Instant createdAt, Instant startedAt, Instant finishedAt) {}

    /** The user's jobs created in [from, to), or started before and still running or finished after {@code from}. */
    public List<JobTimes> jobs(String userId, Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("SELECT created_at, started_at, finished_at FROM jobs WHERE user_id = :u "
                        + "AND ((created_at >= :f AND created_at < :t) OR (started_at IS NOT NULL AND started_at < :t "
                        + "AND (finished_at IS NULL OR finished_at >= :f)))")
                .bind("u", userId).bind("f", from.toEpochMilli()).bind("t", to.toEpochMilli())
                .map((rs, ctx) -> new JobTimes(instant(rs.getObject("created_at")), instant(rs.getObject("started_at")),
                        instant(rs.getObject("finished_at"))))
                .list());
    }

    private static Instant instant(Object epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(((Number) epochMillis).longValue());
    }
}
