package dev.mags.bench;

import dev.mags.sdk.Mags;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Concurrent load: completed runs per second, and status requests per second. */
final class Load {
    private Load() {}

    /** {@code clients} threads run {@code echo hi} back to back for {@code duration}; runs per second. */
    static double runsPerSecond(Magsd magsd, int clients, Duration duration, AtomicInteger errors) throws InterruptedException {
        AtomicLong completed = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (Mags mags = Bench.client(magsd)) {
                    while (System.nanoTime() < end) {
                        int before = errors.get();
                        Bench.timedRun(mags, "echo hi", "hi\n", errors);
                        if (errors.get() == before) {
                            completed.incrementAndGet();
                        }
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return completed.get() / ((System.nanoTime() - start) / 1e9);
    }

    /** {@code clients} keep-alive connections ask for one job's status for {@code duration}; requests per second. */
    static double statusPerSecond(Magsd magsd, String jobId, int clients, Duration duration, AtomicInteger errors)
            throws IOException {
        // The same load first, uncounted: the server's JIT compiles the path before it is timed.
        GetLoad.run("127.0.0.1", magsd.port, "/api/v1/mags-jobs/" + jobId + "/status", "Bearer " + magsd.token(),
                clients, duration);
        long start = System.nanoTime();
        GetLoad.Counts counts = GetLoad.run("127.0.0.1", magsd.port, "/api/v1/mags-jobs/" + jobId + "/status",
                "Bearer " + magsd.token(), clients, duration);
        double seconds = (System.nanoTime() - start) / 1e9;
        errors.addAndGet((int) counts.failed());
        return counts.ok() / seconds;
    }
}
