package dev.mags.controlplane.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Jobs as the state store holds them, read when {@code /metrics} is scraped rather than counted by the job
 * code: {@code mags_jobs{status}} (jobs in the history now, by status) and {@code mags_job_duration_seconds}
 * (run time of each job that finished since this process started, by final status). Each scrape reads only
 * the jobs finished since the previous one.
 */
final class JobMetrics {
    private record Finished(String id, String status, long startedAt, long finishedAt) {}

    private final Jdbi jdbi;
    private final MeterRegistry registry;
    private final MultiGauge byStatus;
    private long mark;
    /** Jobs already recorded whose finish time equals {@link #mark}: a later scrape reads that millisecond again. */
    private Set<String> atMark = new HashSet<>();

    JobMetrics(Jdbi jdbi, MeterRegistry registry, Instant since) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.mark = since.toEpochMilli();
        this.byStatus = MultiGauge.builder("mags.jobs").description("jobs in the history, by status")
                .register(registry);
    }

    /** Brings the meters up to date with the state store; called before each scrape, one at a time. */
    synchronized void refresh() {
        Map<String, Long> counts = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status")
                .map((rs, ctx) -> counts.put(rs.getString("status"), rs.getLong("n"))).list());
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((status, n) -> rows.add(MultiGauge.Row.of(Tags.of("status", status), n)));
        byStatus.register(rows, true);
        List<Finished> finished = jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, status, started_at, finished_at FROM jobs WHERE finished_at >= :mark "
                                + "AND status IN ('completed', 'error') ORDER BY finished_at")
                .bind("mark", mark)
                .map((rs, ctx) -> new Finished(rs.getString("id"), rs.getString("status"),
                        rs.getObject("started_at") == null ? -1 : rs.getLong("started_at"), rs.getLong("finished_at")))
                .list());
        for (Finished f : finished) {
            if (f.finishedAt() == mark && atMark.contains(f.id())) {
                continue;
            }
            if (f.finishedAt() > mark) {
                mark = f.finishedAt();
                atMark = new HashSet<>();
            }
            atMark.add(f.id());
            // A job stopped or refused before its sandbox started has no run time; it counts with a zero one.
            long millis = f.startedAt() < 0 ? 0 : Math.max(0, f.finishedAt() - f.startedAt());
            Timer.builder("mags.job.duration").description("run time of finished jobs, by final status")
                    .tag("status", f.status()).register(registry).record(Duration.ofMillis(millis));
        }
    }
}
