package dev.mags.bench;

import dev.mags.api.JobInfo;
import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.sdk.Mags;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers shared by the measurements. */
final class Bench {
    private Bench() {}

    static Mags client(Magsd magsd) {
        return Mags.builder().baseUrl(URI.create(magsd.url())).token(magsd.token())
                .requestTimeout(Duration.ofSeconds(60)).build();
    }

    /**
     * One run as a client sees it: submit {@code script}, follow the output until the final status.
     * Returns milliseconds; counts a run that did not complete with the expected output as an error.
     */
    static double timedRun(Mags mags, String script, String expected, AtomicInteger errors) {
        long start = System.nanoTime();
        try {
            StringBuilder out = new StringBuilder();
            String id = mags.run(JobRequest.inline(script)).requestId();
            JobInfo done = mags.follow(id, 0, l -> out.append(l.message()).append('\n'));
            if (done.status() != JobStatus.COMPLETED || !out.toString().equals(expected)) {
                errors.incrementAndGet();
            }
        } catch (RuntimeException e) {
            errors.incrementAndGet();
        }
        return (System.nanoTime() - start) / 1e6;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
