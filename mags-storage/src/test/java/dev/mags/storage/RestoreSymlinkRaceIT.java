package dev.mags.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.error.CorruptDataException;
import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.manifest.Entry;
import dev.mags.storage.manifest.EntryType;
import dev.mags.storage.manifest.Manifest;
import dev.mags.storage.manifest.ManifestStore;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.testing.S3Fixture;
import dev.mags.storage.testing.Swapper;
import dev.mags.storage.testing.TreeDigest;
import dev.mags.storage.testing.Trees;
import dev.mags.storage.tree.NativeFs;
import dev.mags.storage.tree.TreeWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore into {@code <data-dir>/bases/...} never writes through a symlink: not for a manifest crafted to
 * make a naive writer follow one, and not while a thread keeps exchanging the directories of the temporary
 * restore dir with symlinks to a host directory. Whatever the restore does (it may fail), the host
 * directory keeps its one file, its content, modes, owners, times and xattrs.
 */
class RestoreSymlinkRaceIT {
    private static final WorkspaceRef WS = WorkspaceRef.of("mallory", "restore-race");
    private static final int RESTORES = 20;
    private static final int DIRS = 50; // Trees.many spreads files over d0..d49

    @TempDir
    Path tmp;
    S3Fixture s3;
    WorkspaceStorage storage;
    Path host;
    Path bases;
    Map<String, String> hostBefore;

    @BeforeEach
    void setUp() throws IOException {
        s3 = new S3Fixture(tmp.resolve("s3"));
        storage = new WorkspaceStorage(s3.store(), StorageSettings.defaults(tmp.resolve("state")));
        host = Files.createDirectories(tmp.resolve("data-dir"));
        Files.writeString(host.resolve("admin-token"), "host token");
        NativeFs.chmod(host.resolve("admin-token"), 0600);
        NativeFs.chmod(host, 0700);
        NativeFs.setTimes(host, 1_500_000_000_000_000_000L);
        hostBefore = TreeDigest.of(host);
        bases = Files.createDirectories(tmp.resolve("bases"));
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    @Test
    void aConcurrentSwapOfTheRestoreDirsDirectoriesForSymlinksWritesNothingOutside() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("upper"));
        Trees.many(tree, 1500, 3_000, 21);
        Files.createSymbolicLink(tree.resolve("d7/sub0/link"), Path.of("../../d8"));
        NativeFs.chmod(tree.resolve("d3/sub3"), 04755);
        storage.sync(tree, WS, ProgressListener.NONE);

        int failed = 0;
        AtomicInteger attacked = new AtomicInteger();
        for (int i = 0; i < RESTORES; i++) {
            Path target = bases.resolve("snap-" + i);
            try (Attacker attacker = new Attacker(bases, "." + target.getFileName() + ".restore-", attacked)) {
                try {
                    storage.restore(WS, Optional.empty(), target, ProgressListener.NONE);
                } catch (RuntimeException e) {
                    failed++;
                    assertThat(e).hasMessageContaining("not followed");
                }
            }
            assertThat(TreeDigest.of(host)).as("the host directory after restore %d", i).isEqualTo(hostBefore);
        }
        assertThat(attacked.get()).as("restores whose temporary dir the attacker swapped in").isPositive();
        assertThat(failed).as("restores the attack made fail").isPositive();
        try (Stream<Path> s = Files.list(bases)) {
            for (Path p : s.toList()) {
                TreeWriter.deleteRecursively(p);
            }
        }
        assertThat(TreeDigest.of(host)).isEqualTo(hostBefore);
    }

    @Test
    void aManifestMadeToWriteThroughASymlinkIsRefusedAndWritesNothing() throws IOException {
        ManifestStore manifests = new ManifestStore(s3.store());
        SnapshotId id = SnapshotId.next(java.time.Instant.now(), null);
        // "x" a symlink to the host dir, then "x" again as a dir holding files, devices, links and a subdir:
        // a writer that took the entries one by one would create all of them in the host dir
        List<Entry> entries = List.of(
                entry("", EntryType.DIR, null, List.of()),
                entry("x", EntryType.SYMLINK, host.toString(), List.of()),
                entry("x", EntryType.DIR, null, List.of()),
                entry("x/admin-token", EntryType.FILE, null, List.of()),
                entry("x/planted", EntryType.FIFO, null, List.of()),
                entry("x/sub", EntryType.DIR, null, List.of()),
                entry("x/hard", EntryType.HARDLINK, "x/admin-token", List.of()));
        manifests.commit(WS, new Manifest(Manifest.FORMAT, id.value(), WS.owner(), WS.name(), id.time().toString(), "",
                4 << 20, 2, 0, entries.size(), entries, Map.of()));
        assertThatThrownBy(() -> storage.restore(WS, Optional.of(id), bases.resolve("crafted"), ProgressListener.NONE))
                .isInstanceOf(CorruptDataException.class);
        assertThat(TreeDigest.of(host)).isEqualTo(hostBefore);
        try (Stream<Path> s = Files.list(bases)) {
            assertThat(s).isEmpty();
        }
    }

    private static Entry entry(String path, EntryType type, String target, List<String> chunks) {
        return new Entry(path, type, 0777, 0, 0, 0, 0, target, 0, 0, false, Map.of(), chunks);
    }

    /**
     * Waits for the restore's temporary dir, then keeps exchanging each of its directories {@code dN} with a
     * symlink {@code evilN} to the host directory, until that dir is gone (renamed into place or deleted).
     */
    private final class Attacker implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;
        private volatile Throwable failure;

        Attacker(Path parent, String prefix, AtomicInteger attacked) {
            thread = Thread.ofPlatform().daemon().name("restore-attacker").start(() -> {
                try {
                    boolean counted = false;
                    while (!stop.get()) {
                        Path dir = find(parent, prefix);
                        if (dir == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        for (int n = 0; n < DIRS && !stop.get(); n++) {
                            if (swap(dir, n) && !counted) {
                                counted = true;
                                attacked.incrementAndGet();
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure = t;
                }
            });
        }

        private boolean swap(Path dir, int n) {
            Path d = dir.resolve("d" + n);
            Path evil = dir.resolve("evil" + n);
            try {
                if (!Files.exists(evil, LinkOption.NOFOLLOW_LINKS)) {
                    if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
                        return false;
                    }
                    Files.createSymbolicLink(evil, host);
                }
                Swapper.exchange(d, evil);
                return true;
            } catch (IOException | RuntimeException e) {
                return false; // the restore (or its clean-up) moved on: dir renamed or deleted under us
            }
        }

        private static Path find(Path parent, String prefix) {
            try (Stream<Path> s = Files.list(parent)) {
                return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElse(null);
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
            if (failure != null) {
                throw new AssertionError("the attacker thread failed", failure);
            }
        }
    }
}
