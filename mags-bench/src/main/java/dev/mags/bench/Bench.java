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
                error(errors, "job " + id + " ended " + done.status() + " (" + done.errorMessage() + ") with output '"
                        + out + "'");
            }
        } catch (RuntimeException e) {
            error(errors, e.toString());
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** Counts an error; the first few are described on stderr, so that a count of errors comes with its reasons. */
    private static void error(AtomicInteger errors, String what) {
        if (errors.incrementAndGet() <= 5) {
            System.err.println("bench: error: " + what);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
