package dev.mags.storage.bench;

import com.github.luben.zstd.Zstd;
import dev.mags.storage.StorageSettings;
import dev.mags.storage.WorkspaceStorage;
import dev.mags.storage.chunk.ChunkId;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.restore.RestoreInfo;
import dev.mags.storage.s3.EmbeddedS3;
import dev.mags.storage.s3.S3ObjectStore;
import dev.mags.storage.sync.SnapshotInfo;
import dev.mags.storage.sync.SyncOptions;
import dev.mags.storage.testing.CountingFileOpener;
import dev.mags.storage.testing.TreeDigest;
import dev.mags.storage.testing.Trees;
import dev.mags.storage.tree.TreeWriter;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Syncs a generated tree (default 1 GiB in 10,000 files, half random and half text bytes) to an embedded
 * S3 server and prints: first sync, unchanged re-sync, one-file-changed re-sync, restore, and for
 * comparison raw S3 put/get and the CPU ceiling of SHA-256 and zstd. Not a test; run it by hand:
 * <pre>
 * ./mvnw -q -pl mags-storage -am test-compile -DskipTests
 * ./mvnw -q -pl mags-storage dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java --enable-native-access=ALL-UNNAMED -cp mags-storage/target/test-classes:mags-storage/target/classes:$(cat /tmp/cp.txt) \
 *     [-Dparallelism=8] dev.mags.storage.bench.StorageBenchmark [work-dir] [total-MiB] [files] [--keep]
 * </pre>
 */
public final class StorageBenchmark {
    private static final double MIB = 1024.0 * 1024.0;

    private StorageBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("mags-bench");
        long totalMiB = args.length > 1 ? Long.parseLong(args[1]) : 1024;
        int files = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        Path tree = work.resolve("upper");
        try {
            long t0 = System.nanoTime();
            long bytes = Trees.many(tree, files, totalMiB * 1024 * 1024 / files, 11);
            report("generate tree", t0, bytes, String.format("%d files", files));
            Thread.sleep(2500); // past the racy window: files written just before a sync are re-read next time
            cpuCeiling();
            try (EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3"));
                 S3ObjectStore store = S3ObjectStore.open(s3.config("mags-bench"))) {
                rawS3(store);
                CountingFileOpener opener = new CountingFileOpener();
                int parallelism = Integer.getInteger("parallelism", SyncOptions.DEFAULTS.parallelism());
                StorageSettings settings = StorageSettings.defaults(work.resolve("state"))
                        .withSync(new SyncOptions(parallelism, 3, SyncOptions.DEFAULTS.racyWindow()));
                WorkspaceStorage storage = new WorkspaceStorage(store, settings, opener, Clock.systemUTC());
                System.out.println("sync parallelism " + parallelism);
                WorkspaceRef ws = WorkspaceRef.of("bench", "ws");

                SnapshotInfo first = storage.sync(tree, ws, ProgressListener.NONE);
                print("first sync", first.duration().toNanos(), first.bytes(),
                        String.format("%d files read, %.1f MiB uploaded (zstd), %d chunks", first.filesRead(),
                                first.bytesUploaded() / MIB, first.chunksUploaded()));
                long[] times = new long[10];
                int opened = 0;
                long uploaded = 0;
                for (int i = 0; i < times.length; i++) {
                    opener.reset();
                    SnapshotInfo same = storage.sync(tree, ws, ProgressListener.NONE);
                    times[i] = same.duration().toNanos();
                    opened += opener.opened().size();
                    uploaded += same.bytesUploaded();
                }
                long firstRun = times[0];
                java.util.Arrays.sort(times);
                print("unchanged re-sync, 1st", firstRun, 0, "");
                print("unchanged re-sync, min", times[0], 0, "of 10");
                print("unchanged re-sync, median", times[times.length / 2], 0,
                        String.format("%d files opened, %d bytes uploaded in all 10", opened, uploaded));
                Trees.file(tree.resolve("d7/sub0/f7.bin"), 3_000_000, 99);
                opener.reset();
                SnapshotInfo one = storage.sync(tree, ws, ProgressListener.NONE);
                print("one file changed", one.duration().toNanos(), one.bytesRead(),
                        String.format("%d files opened, %.2f MiB uploaded", opener.opened().size(), one.bytesUploaded() / MIB));
                Path restored = work.resolve("restored");
                RestoreInfo r = storage.restore(ws, Optional.empty(), restored, ProgressListener.NONE);
                print("restore", r.duration().toNanos(), r.bytes(), r.files() + " files, hashes verified");
                long v = System.nanoTime();
                boolean equal = TreeDigest.of(restored).equals(TreeDigest.of(tree));
                report("compare trees", v, 0, equal ? "restored tree equal" : "RESTORED TREE DIFFERS");
                var gc = storage.collectGarbage();
                print("garbage collection", gc.duration().toNanos(), 0,
                        gc.manifests() + " manifests, " + gc.chunksSeen() + " chunks, " + gc.chunksDeleted() + " deleted");
            }
        } finally {
            if (args.length <= 3 || !args[3].equals("--keep")) {
                TreeWriter.deleteRecursively(work);
            }
        }
    }

    private static void cpuCeiling() {
        byte[] data = new byte[4 * 1024 * 1024];
        Random r = new Random(1);
        r.nextBytes(data);
        for (int i = data.length / 2; i < data.length; i++) {
            data[i] = (byte) ("mags workspace line ".charAt(i % 20));
        }
        int rounds = 64;
        for (int i = 0; i < 8; i++) { // warm up the JIT and zstd's contexts
            ChunkId.of(data);
            Zstd.compress(data, 1);
            Zstd.compress(data, 3);
        }
        long t = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            ChunkId.of(data);
        }
        print("sha-256, 1 thread", System.nanoTime() - t, (long) rounds * data.length, "");
        for (int level : new int[] {1, 3}) {
            t = System.nanoTime();
            long out = 0;
            for (int i = 0; i < rounds; i++) {
                out += Zstd.compress(data, level).length;
            }
            print("zstd -" + level + ", 1 thread", System.nanoTime() - t, (long) rounds * data.length,
                    String.format("ratio %.2f", (double) rounds * data.length / out));
        }
    }

    private static void rawS3(S3ObjectStore store) throws Exception {
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(2).nextBytes(data);
        int n = 64;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            long t = System.nanoTime();
            for (int i = 0; i < n / 4; i++) {
                store.put("bench/serial/" + i, data);
            }
            print("raw S3 put, 1 thread", System.nanoTime() - t, (long) n / 4 * data.length, "4 MiB objects");
            t = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> store.put("bench/raw/" + k, data)));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            print("raw S3 put, 8 threads", System.nanoTime() - t, (long) n * data.length, "4 MiB objects");
            t = System.nanoTime();
            fs.clear();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> {
                    try (InputStream in = store.get("bench/raw/" + k)) {
                        return in.readAllBytes().length;
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            print("raw S3 get, 8 threads", System.nanoTime() - t, (long) n * data.length, "4 MiB objects");
            t = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                store.put("bench/small/" + i, new byte[100]);
            }
            long perPut = (System.nanoTime() - t) / 200;
            print("raw S3 small put, 1 thread", System.nanoTime() - t, 0, String.format("%.2f ms per put", perPut / 1e6));
            store.deleteAll(store.list("bench/").map(o -> o.key()).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void report(String what, long startNanos, long bytes, String note) {
        print(what, System.nanoTime() - startNanos, bytes, note);
    }

    private static void print(String what, long nanos, long bytes, String note) {
        double ms = nanos / 1e6;
        String rate = bytes > 0 ? String.format("%8.1f MiB/s", bytes / MIB / (nanos / 1e9)) : "";
        System.out.printf("%-28s %10.1f ms %14s  %s%n", what, ms, rate, note);
    }
}
