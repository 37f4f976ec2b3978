package dev.mags.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.sync.FileOpener;
import dev.mags.storage.sync.SnapshotInfo;
import dev.mags.storage.testing.BucketContents;
import dev.mags.storage.testing.S3Fixture;
import dev.mags.storage.testing.Swapper;
import dev.mags.storage.testing.TreeDigest;
import dev.mags.storage.testing.Trees;
import dev.mags.storage.tree.NativeFs;
import dev.mags.storage.tree.TreeRoot;
import dev.mags.storage.tree.TreeWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The attack of a sandbox on the host's sync, performed: while a host thread keeps exchanging directories
 * {@code x/dN} (each holding a file {@code admin-token}) with symlinks {@code x/lN} to a root-only host
 * directory holding the real {@code admin-token} (renameat2 RENAME_EXCHANGE, as a sandbox's process can),
 * 50 syncs run. Every sync succeeds, no restored snapshot and no object in the bucket holds the host's file,
 * and the syncs did see the names swapped. With the component walk too (kernels without openat2).
 */
class SyncSymlinkRaceIT {
    private static final WorkspaceRef WS = WorkspaceRef.of("mallory", "race");
    private static final int PAIRS = 8;
    private static final int SYNCS = 50;

    @TempDir
    Path tmp;
    S3Fixture s3;
    String secret;
    Path upper;
    List<Path[]> pairs = new ArrayList<>();

    @BeforeEach
    void plant() throws IOException {
        s3 = new S3Fixture(tmp.resolve("s3"));
        Path host = Files.createDirectories(tmp.resolve("data-dir"));
        NativeFs.chmod(host, 0700);
        secret = "host-admin-token-" + UUID.randomUUID();
        Files.writeString(host.resolve("admin-token"), secret);
        NativeFs.chmod(host.resolve("admin-token"), 0600);
        upper = Files.createDirectories(tmp.resolve("upper"));
        Trees.many(upper.resolve("work"), 30, 4_000, 7); // the workspace's own files beside the attack
        for (int i = 0; i < PAIRS; i++) {
            Path d = Files.createDirectories(upper.resolve("x/d" + i));
            Files.writeString(d.resolve("admin-token"), "decoy " + i);
            Path l = Files.createSymbolicLink(upper.resolve("x/l" + i), host);
            pairs.add(new Path[] {d, l});
        }
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    @ParameterizedTest
    @EnumSource(TreeRoot.Resolution.class)
    void aTreeSwappingDirectoriesWithSymlinksToTheHostNeverGetsAHostFileIntoASnapshot(TreeRoot.Resolution resolution)
            throws Exception {
        // openat2: the sync exactly as magsd runs it; the walk: the same tree root reopened with the fallback
        FileOpener opener = resolution == TreeRoot.Resolution.OPENAT2 ? FileOpener.DEFAULT : (root, path) -> {
            try (TreeRoot r = TreeRoot.open(root.path(), resolution)) {
                return r.openForReading(path);
            }
        };
        StorageSettings settings = StorageSettings.defaults(tmp.resolve("state")).withKeepLast(SYNCS + 1);
        WorkspaceStorage storage = new WorkspaceStorage(s3.store(), settings, opener, Clock.systemUTC());
        WorkspaceStorage restorer = new WorkspaceStorage(s3.store(), StorageSettings.defaults(tmp.resolve("restore-state")));
        byte[] secretBytes = secret.getBytes(StandardCharsets.UTF_8);
        int swappedSeen = 0;
        try (Swapper swapper = new Swapper(pairs)) {
            for (int i = 0; i < SYNCS; i++) {
                SnapshotInfo info = storage.sync(upper, WS, ProgressListener.NONE);
                Path restored = tmp.resolve("restored");
                restorer.restore(WS, Optional.of(info.id()), restored, ProgressListener.NONE);
                Map<String, String> files = readAll(restored);
                assertThat(files).as("snapshot %d (%s)", i, info.id()).allSatisfy((path, content) ->
                        assertThat(content).as(path).doesNotContain(secret));
                if (restoredHasASymlinkWhereADirectoryWas(restored)) {
                    swappedSeen++;
                }
                TreeWriter.deleteRecursively(restored);
            }
            assertThat(swapper.exchanges()).isPositive();
        }
        // the race was live: some scans found a dN as the symlink, or an lN as the directory
        assertThat(swappedSeen).as("syncs that saw a pair swapped").isPositive();
        assertThat(BucketContents.holding(s3.bucketDir(), secretBytes)).as("objects holding the host's file").isEmpty();
        assertThat(BucketContents.holding(s3.bucketDir(), "decoy 3".getBytes(StandardCharsets.UTF_8))).isNotEmpty();
        assertThat(restorer.snapshots(WS)).hasSizeGreaterThan(1);
    }

    /** Regular files' contents by path (bytes as ISO-8859-1 chars: the token is ASCII). */
    private static Map<String, String> readAll(Path root) throws IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Map.Entry<String, String> e : TreeDigest.of(root).entrySet()) {
            if (e.getValue().startsWith("type=100000")) {
                out.put(e.getKey(), new String(Files.readAllBytes(root.resolve(e.getKey())), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    private static boolean restoredHasASymlinkWhereADirectoryWas(Path root) {
        for (int i = 0; i < PAIRS; i++) {
            if (Files.isSymbolicLink(root.resolve("x/d" + i)) || Files.isDirectory(root.resolve("x/l" + i),
                    java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }
}
