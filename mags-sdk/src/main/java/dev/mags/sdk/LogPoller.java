package dev.mags.sdk;

import dev.mags.api.ApiPaths;
import dev.mags.api.JobInfo;
import dev.mags.api.JobLogs;
import dev.mags.api.LogEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Follows a job by polling {@code /logs?after=} and {@code /status}: the fallback for servers
 * without the live event stream (such as the hosted reference service).
 */
final class LogPoller {
    private static final Duration FIRST_INTERVAL = Duration.ofMillis(200);
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(1);

    private final Transport http;

    LogPoller(Transport http) {
        this.http = http;
    }

    JobInfo follow(String id, long afterSeq, Consumer<LogEntry> onLine, Instant deadline) {
        String segment = Ids.segment(id);
        long last = afterSeq;
        Duration interval = FIRST_INTERVAL;
        while (true) {
            JobLogs logs = http.get(ApiPaths.job(segment, "logs") + (last > 0 ? "?after=" + last : ""), JobLogs.class);
            long before = last;
            last = deliver(logs.logs(), last, onLine);
            if (logs.status() != null && logs.status().isFinal()) {
                // lines stored between the two reads of the final answer, and the pages after a capped answer
                long seen;
                do {
                    seen = last;
                    last = deliver(http.get(ApiPaths.job(segment, "logs") + "?after=" + last, JobLogs.class).logs(), last, onLine);
                } while (last > seen);
                return http.get(ApiPaths.job(segment, "status"), JobInfo.class);
            }
            interval = last > before ? FIRST_INTERVAL : min(interval.multipliedBy(2), MAX_INTERVAL);
            if (deadline != null && Instant.now().plus(interval).isAfter(deadline)) {
                throw new MagsTimeoutException("job " + id + " did not finish by " + deadline, null);
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw http.failures().interrupted("GET", http.uri(ApiPaths.job(segment, "logs")), e);
            }
        }
    }

    private static long deliver(List<LogEntry> entries, long last, Consumer<LogEntry> onLine) {
        if (entries == null) {
            return last;
        }
        for (LogEntry entry : entries) {
            if (entry.seq() > last) {
                last = entry.seq();
                onLine.accept(entry);
            }
        }
        return last;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
