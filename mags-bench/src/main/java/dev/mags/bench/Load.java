package dev.mags.bench;

import dev.mags.sdk.Mags;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    /** {@code clients} threads ask for one job's status for {@code duration}; requests per second. */
    static double statusPerSecond(Magsd magsd, String jobId, int clients, Duration duration, AtomicInteger errors)
            throws InterruptedException {
        AtomicLong done = new AtomicLong();
        HttpRequest req = HttpRequest.newBuilder(URI.create(magsd.url() + "/api/v1/mags-jobs/" + jobId + "/status"))
                .header("Authorization", "Bearer " + magsd.token()).build();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                while (System.nanoTime() < end) {
                    try {
                        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            done.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }
}
