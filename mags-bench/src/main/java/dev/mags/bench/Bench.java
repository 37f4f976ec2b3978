package dev.mags.bench;

import dev.mags.api.ExecEnd;
import dev.mags.api.ExecRequest;
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

    /** How long a streamed exec took as its client saw it: to its first output and to its end (the exit code). */
    record ExecTimes(double firstOutputMs, double endMs) {}

    /**
     * {@code echo x} in a live sandbox through the streamed REST exec, as the SDK's {@link Mags#execStreaming} runs
     * it. Counts an exec that did not print x and exit 0 as an error.
     */
    static ExecTimes timedExec(Mags mags, String sandbox, AtomicInteger errors) {
        long start = System.nanoTime();
        long[] first = {0};
        StringBuilder out = new StringBuilder();
        try {
            ExecEnd end = mags.execStreaming(sandbox, ExecRequest.command("echo x"), (stream, data) -> {
                if (first[0] == 0) {
                    first[0] = System.nanoTime();
                }
                out.append(data);
            });
            long done = System.nanoTime();
            if (end.exitCode() == null || end.exitCode() != 0 || !out.toString().equals("x\n")) {
                error(errors, "exec in " + sandbox + " ended " + end + " with output '" + out + "'");
            }
            return new ExecTimes((first[0] == 0 ? done - start : first[0] - start) / 1e6, (done - start) / 1e6);
        } catch (RuntimeException e) {
            error(errors, "exec in " + sandbox + ": " + e);
            double ms = (System.nanoTime() - start) / 1e6;
            return new ExecTimes(ms, ms);
        }
    }

    /** Counts an error; the first few are described on stderr, so that a count of errors comes with its reasons. */
    static void error(AtomicInteger errors, String what) {
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
