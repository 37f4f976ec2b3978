package dev.mags.bench;

import dev.mags.api.CronJobInfo;
import dev.mags.api.CronJobRequest;
import dev.mags.api.JobInfo;
import dev.mags.sdk.Mags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code cron_fire_delay_ms}: from a cron job's scheduled minute to its run's job being {@code running}
 * (the sandbox started), both as the server records them ({@code last_run_at}, the job's
 * {@code started_at}). A cron job of {@code * * * * *} gives one sample a minute, so this takes n minutes.
 */
final class CronFireDelay {
    private CronFireDelay() {}

    static List<Double> measure(Magsd magsd, int n, AtomicInteger errors) {
        List<Double> ms = new ArrayList<>();
        try (Mags mags = Bench.client(magsd)) {
            CronJobInfo cron = mags.cronCreate(CronJobRequest.of("bench-fire-delay", "* * * * *", "echo tick"));
            String seen = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(70L * (n + 1)).toNanos();
            while (ms.size() < n && System.nanoTime() < deadline) {
                CronJobInfo now = mags.cronGet(cron.id());
                if (now.lastRequestId() != null && !now.lastRequestId().equals(seen)) {
                    JobInfo job = mags.status(now.lastRequestId());
                    if (job.startedAt() != null) {
                        seen = now.lastRequestId();
                        ms.add(Duration.between(now.lastRunAt(), job.startedAt()).toNanos() / 1e6);
                    } else if (job.status().isFinal()) {
                        seen = now.lastRequestId();
                        errors.incrementAndGet();
                        System.err.println("bench: error: cron run " + job.requestId() + " ended " + job.status()
                                + " without starting: " + job.errorMessage());
                    }
                }
                Bench.sleep(250);
            }
            if (ms.size() < n) {
                errors.incrementAndGet();
                System.err.println("bench: error: " + ms.size() + " of " + n + " cron runs started in time; last state "
                        + mags.cronGet(cron.id()));
            }
            mags.cronDelete(cron.id());
        }
        return ms;
    }
}
