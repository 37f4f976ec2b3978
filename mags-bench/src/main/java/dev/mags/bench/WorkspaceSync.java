package dev.mags.bench;

import dev.mags.agent.HostAccess;
import dev.mags.agent.disk.SandboxDisk;
import dev.mags.storage.StorageSettings;
import dev.mags.storage.WorkspaceStorage;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.object.ObjectStore;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.restore.RestoreInfo;
import dev.mags.storage.s3.EmbeddedS3;
import dev.mags.storage.s3.S3ObjectStore;
import dev.mags.storage.sync.SnapshotInfo;
import dev.mags.storage.tree.TreeWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Workspace sync as magsd runs it: {@link WorkspaceStorage} with its default settings over the embedded
 * S3 server (S3Proxy, filesystem backend, loopback), both in this JVM, on a generated {@link SyncTree}.
 * Measures the first sync, unchanged re-syncs, one-file-changed re-syncs and restores beside the raw S3
 * server's single-stream put and get rates, so the sync rates read against what the store itself does.
 * Times are what a caller waits for (retention after a sync included). Rates are MB/s of plain bytes,
 * MB = 10^6 bytes. The server, the tree, the bucket's files and the restore disks all live in one
 * directory, deleted at the end. Restores go onto fresh loop-mounted ext4 disks as in magsd, so this part
 * needs root.
 *
 * <p>Alone, without magsd or an image: {@code java -cp 'mags-bench/target/lib/*' dev.mags.bench.BenchMain
 * --only sync [--quick]} (prints the table, writes no result file).
 */
final class WorkspaceSync {
    private static final WorkspaceRef WORKSPACE = WorkspaceRef.of("bench", "sync");
    private static final WorkspaceRef WARM_UP = WorkspaceRef.of("bench", "warm-up");
    private static final long SEED = 11;
    private static final int WARM_UP_RESTORES = 5;
    private static final double MB = 1e6;

    private final Path dir;
    private final SyncPlan plan;
    private final ObjectStore store;
    private final WorkspaceStorage storage;
    private final Duration racyWindow;
    private final List<String> notes;
    private final List<String> surprises = new ArrayList<>();
    private final List<Double> restoreCpuShare = new ArrayList<>();

    private WorkspaceSync(Path dir, SyncPlan plan, ObjectStore store, StorageSettings settings, List<String> notes) {
        this.dir = dir;
        this.plan = plan;
        this.store = store;
        this.storage = new WorkspaceStorage(store, settings);
        this.racyWindow = settings.sync().racyWindow();
        this.notes = notes;
    }

    /** Runs {@code plan} in {@code dir}, which it creates and deletes with all in it; adds its notes to {@code notes}. */
    static Map<String, Figure> measure(Path dir, SyncPlan plan, List<String> notes) throws IOException {
        try (Scratch scratch = Scratch.create(dir);
             EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"));
             S3ObjectStore store = S3ObjectStore.open(s3.config("mags-bench"))) {
            StorageSettings settings = StorageSettings.defaults(dir.resolve("state"));
            return new WorkspaceSync(dir, plan, store, settings, notes).run();
        }
    }

    private Map<String, Figure> run() throws IOException {
        Path tree = dir.resolve("upper");
        List<Path> files = SyncTree.write(tree, plan.bytes(), plan.files(), SEED);
        Path warmUpTree = dir.resolve("warm-up");
        SyncTree.write(warmUpTree, 64 << 20, 600, SEED + 1);
        // Files changed within the racy window before a sync are read again by the next one: the tree
        // ages past it while the raw S3 rates are measured and the JIT warms up, so the re-syncs measure
        // settled files.
        long settled = System.nanoTime() + settle().toNanos();
        List<Double> put = new ArrayList<>();
        List<Double> get = new ArrayList<>();
        rawS3(put, get);
        warmUp(warmUpTree);
        Bench.sleep(Math.max(0, (settled - System.nanoTime()) / 1_000_000));

        long t = System.nanoTime();
        SnapshotInfo first = storage.sync(tree, WORKSPACE, ProgressListener.NONE);
        double firstS = (System.nanoTime() - t) / 1e9;
        expect(first.filesRead() == plan.files() && first.bytes() == plan.bytes(), "the first sync read "
                + first.filesRead() + " files of " + first.bytes() + " bytes");

        Map<String, Figure> out = new LinkedHashMap<>();
        out.put("sync_first_s", Figure.of("s", List.of(firstS)));
        out.put("sync_unchanged_ms", Figure.of("ms", unchanged(tree)));
        out.put("sync_one_changed_ms", Figure.of("ms", oneChanged(tree, files)));
        List<Double> restoreMbps = new ArrayList<>();
        out.put("restore_s", Figure.of("s", restores(restoreMbps)));
        out.put("restore_mbps", Figure.of("MB/s", restoreMbps));
        out.put("s3_put_mbps", Figure.of("MB/s", put));
        out.put("s3_get_mbps", Figure.of("MB/s", get));
        note(first, firstS, out);
        return out;
    }

    /** The racy window and a margin for the file system's coarse clock. */
    private Duration settle() {
        return racyWindow.plusMillis(500);
    }

    /** Whole objects put, then got, one at a time: the store's own rate, without a sync's parallelism. */
    private void rawS3(List<Double> put, List<Double> get) throws IOException {
        byte[] data = new byte[plan.s3ObjectBytes()];
        new SplittableRandom(SEED).nextBytes(data);
        List<String> keys = new ArrayList<>();
        store.put("raw/warm-up", data); // JIT and the first connection, as in a long-running magsd
        keys.add("raw/warm-up");
        read("raw/warm-up");
        for (int i = 0; i < plan.s3Objects(); i++) {
            String key = "raw/" + i;
            long t = System.nanoTime();
            store.put(key, data);
            put.add(mbps(data.length, System.nanoTime() - t));
            keys.add(key);
        }
        for (int i = 0; i < plan.s3Objects(); i++) {
            long t = System.nanoTime();
            long n = read("raw/" + i);
            get.add(mbps(n, System.nanoTime() - t));
            expect(n == data.length, "raw S3 get returned " + n + " of " + data.length + " bytes");
        }
        store.deleteAll(keys);
    }

    /**
     * Sync, re-sync and restore of a small tree of other content (nothing in it dedups with the measured
     * tree) in another workspace: magsd, which syncs all day, runs these paths JIT-compiled, and a cold
     * JVM would otherwise measure the compiler, most of all at the quick run's size.
     */
    private void warmUp(Path tree) throws IOException {
        storage.sync(tree, WARM_UP, ProgressListener.NONE);
        storage.sync(tree, WARM_UP, ProgressListener.NONE);
        // Several restores: the JIT compiles the restore path as a long-running magsd's would be
        for (int k = 0; k < WARM_UP_RESTORES; k++) {
            Path restored = dir.resolve("warm-up-restored-" + k);
            storage.restore(WARM_UP, Optional.empty(), restored, ProgressListener.NONE);
            TreeWriter.deleteRecursively(restored);
        }
        TreeWriter.deleteRecursively(tree);
    }

    private long read(String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private List<Double> unchanged(Path tree) {
        // One untimed re-sync first: the warm-up's small tree leaves the comparison with the latest snapshot
        // over this many entries cold, and magsd, which syncs all day, runs it warm.
        storage.sync(tree, WORKSPACE, ProgressListener.NONE);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < plan.unchanged(); i++) {
            long t = System.nanoTime();
            SnapshotInfo s = storage.sync(tree, WORKSPACE, ProgressListener.NONE);
            ms.add((System.nanoTime() - t) / 1e6);
            expect(s.unchanged() && s.filesRead() == 0, "an unchanged re-sync read " + s.filesRead() + " files");
        }
        return ms;
    }

    private List<Double> oneChanged(Path tree, List<Path> files) throws IOException {
        List<Double> ms = new ArrayList<>();
        for (int k = 0; k < plan.oneChanged(); k++) {
            // A different file each time, spread over the tree; negative seeds are never a generated file's.
            Path file = files.get((int) ((2L * k + 1) * files.size() / (2L * plan.oneChanged())));
            SyncTree.rewrite(file, -1 - k);
            // Past the racy window, or the next sync would read this file again and measure two.
            Bench.sleep(settle().toMillis());
            long t = System.nanoTime();
            SnapshotInfo s = storage.sync(tree, WORKSPACE, ProgressListener.NONE);
            ms.add((System.nanoTime() - t) / 1e6);
            expect(!s.unchanged() && s.filesRead() == 1,
                    "a one-file-changed re-sync read " + s.filesRead() + " files");
        }
        return ms;
    }

    /**
     * Restores of the latest snapshot, each as magsd restores a workspace: onto a freshly formatted ext4 disk
     * (the agent's own format and loop mount), unmounted and deleted right after; rates go to {@code mbps}.
     * Only {@code restore} is timed, not the format or the unmount's write-back.
     */
    private List<Double> restores(List<Double> mbps) throws IOException {
        SandboxDisk disks = HostAccess.system().disk(null);
        long diskBytes = 2 * plan.bytes() + (256L << 20);
        List<Double> seconds = new ArrayList<>();
        for (int k = 0; k < plan.restores(); k++) {
            Path image = dir.resolve("restore-" + k + ".img");
            Path mnt = dir.resolve("restore-" + k);
            try {
                disks.format(image, diskBytes);
                Files.createDirectories(mnt);
                disks.mount(image, mnt);
                long cpu = processCpuNanos();
                long t = System.nanoTime();
                RestoreInfo r = storage.restore(WORKSPACE, Optional.empty(), mnt.resolve("upper"), ProgressListener.NONE);
                long nanos = System.nanoTime() - t;
                restoreCpuShare.add((processCpuNanos() - cpu) / (double) nanos);
                seconds.add(nanos / 1e9);
                mbps.add(mbps(r.bytes(), nanos));
                expect(r.files() == plan.files() && r.bytes() == plan.bytes(), "a restore wrote " + r.files()
                        + " files of " + r.bytes() + " bytes");
            } finally {
                disks.release(image, mnt);
                Files.deleteIfExists(mnt);
                Files.deleteIfExists(image);
            }
        }
        return seconds;
    }

    /** The spec's comparisons, reported and never asserted. */
    private void note(SnapshotInfo first, double firstS, Map<String, Figure> out) {
        double put = out.get("s3_put_mbps").p50();
        double get = out.get("s3_get_mbps").p50();
        double firstMbps = plan.bytes() / MB / firstS;
        notes.add(String.format("workspace sync of %d MiB in %,d files (%d MiB of chunks after zstd): first sync"
                        + " %.1f MB/s, %.0f%% of the S3 server's single-stream put rate", plan.bytes() >> 20, plan.files(),
                first.bytesUploaded() >> 20, firstMbps, 100 * firstMbps / put));
        notes.add(String.format("restore at %.0f%% of the S3 server's single-stream get rate (target: at least 80%%);"
                        + " unchanged re-sync p50 %.0f ms (target at 1 GiB in 10,000 files: at most 300 ms)",
                100 * out.get("restore_mbps").p50() / get, out.get("sync_unchanged_ms").p50()));
        notes.add(String.format("restore kept %.2f cores busy on average (this process: the S3 server, its client and"
                + " the restore; the kernel's file writes included)", Figure.of("cores", restoreCpuShare).p50()));
        if (!surprises.isEmpty()) {
            notes.add("workspace sync: unexpected: " + String.join("; ", surprises));
        }
    }

    /** A wrong count makes the figures suspect but not worthless: noted in the report, not thrown. */
    private void expect(boolean ok, String what) {
        if (!ok && !surprises.contains(what)) {
            surprises.add(what);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double mbps(long bytes, long nanos) {
        return bytes / MB / (nanos / 1e9);
    }

    /** The part's directory: created first, deleted with everything in it last (after the S3 server stops). */
    private record Scratch(Path dir) implements AutoCloseable {
        static Scratch create(Path dir) throws IOException {
            Files.createDirectories(dir);
            return new Scratch(dir);
        }

        @Override
        public void close() throws IOException {
            TreeWriter.deleteRecursively(dir);
        }
    }
}
