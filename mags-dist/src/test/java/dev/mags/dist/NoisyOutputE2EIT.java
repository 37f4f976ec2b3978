package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen jobs write far past the output cap at once, as fast as {@code yes} and {@code tr} can,
 * through a real {@code bin/magsd} with a small heap: the server's memory and its database stay
 * within bounds derived from the heap and the caps, status calls keep answering, every job ends with
 * the truncation notice, and the retention then brings the database back under the user's cap.
 */
class NoisyOutputE2EIT {
    static final long MIB = 1024 * 1024;
    static final String HEAP = "256m";
    static final long HEAP_BYTES = 256 * MIB;
    /**
     * What the JVM holds besides its heap: metaspace and code of the libraries (~150 MiB measured
     * idle), GC tables, thread stacks, SQLite's page caches, the S3 server's buffers.
     */
    static final long NON_HEAP_ALLOWANCE = 400 * MIB;
    static final long PER_JOB_MIB = 1;
    static final long PER_USER_MIB = 4;
    /** The WAL is cut back to this after checkpoints (Database: journal_size_limit). */
    static final long WAL_LIMIT = 16 * MIB;
    static final int JOBS = 16;

    @TempDir
    Path tmp;

    /** The four kinds of noise: short lines, longer lines, stderr, and one endless line (cut in 64 KiB pieces). */
    static String script(int i) {
        return switch (i % 4) {
            case 0 -> "yes | head -c 4000000";
            case 1 -> "yes abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz | head -c 16000000";
            case 2 -> "yes oops | head -c 4000000 >&2";
            default -> "head -c 16000000 /dev/zero | tr '\\0' x";
        };
    }

    record Sample(long rssBytes, long hwmBytes, long dbBytes) {}

    @Test
    void noisyJobsStayWithinTheHeapAndTheCapsAndRetentionShrinksTheDatabase() throws Exception {
        Path data = tmp.resolve("data");
        try (MagsdFixture magsd = new MagsdFixture(data, TestImages.busybox(), "busybox").withEnv("MAGS_HEAP", HEAP)
                .with("--max-output-mb-per-job", Long.toString(PER_JOB_MIB), "--max-output-mb-per-user",
                        Long.toString(PER_USER_MIB), "--max-output-mb", Long.toString(PER_USER_MIB),
                        "--retention-interval", "1",
                        // about output, not disks: its jobs' sparse disks are written nothing, whatever the host has free
                        "--disk-overcommit", "100")
                .start()) {
            assertThat(Files.readString(Path.of("/proc", Long.toString(magsd.pid()), "cmdline")).split("\0"))
                    .contains("-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError");
            Api api = new Api(magsd.url(), magsd.adminToken());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                ids.add(api.submit(script(i)));
            }

            // While they run: memory, database size, and a status call, over and over.
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong statusCalls = new AtomicLong();
            AtomicReference<Throwable> watchFailure = new AtomicReference<>();
            List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread watcher = Thread.ofPlatform().start(() -> {
                try {
                    while (running.get()) {
                        samples.add(sample(magsd.pid(), data));
                        Api.Response r = api.get("/api/v1/mags-jobs/" + ids.getFirst() + "/status");
                        assertThat(r.status()).isEqualTo(200);
                        assertThat(api.get("/api/v1/mags-jobs?page_size=5").status()).isEqualTo(200);
                        statusCalls.incrementAndGet();
                        sleep(200);
                    }
                } catch (Throwable t) {
                    watchFailure.set(t);
                }
            });
            List<JsonNode> ends = new ArrayList<>();
            try {
                for (String id : ids) {
                    ends.add(api.awaitFinal(id, Duration.ofMinutes(3)));
                }
            } finally {
                running.set(false);
                watcher.join();
            }
            assertThat(watchFailure.get()).as("status calls while the jobs ran").isNull();
            samples.add(sample(magsd.pid(), data));
            assertThat(magsd.alive()).as("magsd survived (a heap that ran out would have ended it)").isTrue();
            assertThat(statusCalls.get()).isPositive();
            for (int i = 0; i < JOBS; i++) {
                assertThat(ends.get(i).get("status").asText()).as("job %d: %s", i, script(i)).isEqualTo("completed");
            }

            long peakRss = samples.stream().mapToLong(Sample::hwmBytes).max().orElseThrow();
            long peakDb = samples.stream().mapToLong(Sample::dbBytes).max().orElseThrow();
            // Running jobs keep up to the per-job cap each (rows round it up by one row at most), plus the WAL.
            long dbBound = JOBS * (PER_JOB_MIB * MIB + 64 * 1024) + WAL_LIMIT + 4 * MIB;
            System.out.printf("noisy output: peak RSS %d MiB (bound %d), peak state.db* %d MiB (bound %d), %d status calls%n",
                    peakRss / MIB, (HEAP_BYTES + NON_HEAP_ALLOWANCE) / MIB, peakDb / MIB, dbBound / MIB, statusCalls.get());
            assertThat(peakRss).isLessThanOrEqualTo(HEAP_BYTES + NON_HEAP_ALLOWANCE);
            assertThat(peakDb).isLessThanOrEqualTo(dbBound);

            // Retention: 16 x 1 MiB kept by one user over a cap of 4 MiB; the output of the jobs that ended
            // first goes and the files shrink to about the cap.
            long retained = PER_USER_MIB * MIB + 2 * MIB;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (dbBytes(data) > retained && System.nanoTime() < deadline) {
                sleep(200);
            }
            long after = dbBytes(data);
            System.out.printf("noisy output: state.db* %d KiB after retention (peak %d KiB)%n", after / 1024, peakDb / 1024);
            assertThat(after).isLessThanOrEqualTo(retained);

            // What a user sees: a kept job's output up to the cap then the notice; a removed one's, why it went.
            int kept = 0;
            for (int i = 0; i < JOBS; i++) {
                Output out = output(api, ids.get(i));
                String last = out.lastLine().get("message").asText();
                assertThat(out.lastLine().get("source").asText()).isEqualTo("system");
                if (last.startsWith("output truncated")) {
                    kept++;
                    assertThat(last).startsWith("output truncated: the job's output reached 1 MiB, the most kept per job");
                    assertThat(out.textBytes()).isLessThanOrEqualTo(PER_JOB_MIB * MIB);
                } else {
                    // the user's cap and the server's are both 4 MiB: a pass may find either exceeded first
                    assertThat(last).startsWith("output removed on ").containsAnyOf(
                            "this user's jobs keep more than 4 MiB of output", "the server keeps more than 4 MiB of job output");
                    assertThat(out.lines()).isEqualTo(1);
                }
                assertThat(api.get("/api/v1/mags-jobs/" + ids.get(i) + "/status").body().get("status").asText())
                        .isEqualTo("completed");
            }
            assertThat(kept).isBetween(1, (int) PER_USER_MIB);
            assertThat(magsd.leaksAfterRelease()).isEmpty();
        }
    }

    record Output(int lines, long textBytes, JsonNode lastLine) {}

    /** A job's output read page by page as a client does: how many lines, their bytes, the last one. */
    static Output output(Api api, String id) {
        long after = 0;
        int lines = 0;
        long bytes = 0;
        JsonNode last = null;
        while (true) {
            JsonNode logs = api.get("/api/v1/mags-jobs/" + id + "/logs?after=" + after).body().get("logs");
            if (logs.isEmpty()) {
                return new Output(lines, bytes, last);
            }
            for (JsonNode line : logs) {
                lines++;
                bytes += line.get("message").asText().getBytes(StandardCharsets.UTF_8).length + 1;
                last = line;
            }
            after = last.get("seq").asLong();
        }
    }

    static Sample sample(long pid, Path data) {
        long rss = 0;
        long hwm = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line) * 1024;
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("magsd (pid " + pid + ") is gone", e);
        }
        return new Sample(rss, hwm, dbBytes(data));
    }

    private static long kib(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }

    /** {@code ls -l state.db*}: the database, its WAL and its shared-memory index. */
    static long dbBytes(Path data) {
        long total = 0;
        for (String name : List.of("state.db", "state.db-wal", "state.db-shm")) {
            try {
                Path p = data.resolve(name);
                total += Files.exists(p) ? Files.size(p) : 0;
            } catch (IOException e) {
                // removed between the check and the size: counts as empty
            }
        }
        return total;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
