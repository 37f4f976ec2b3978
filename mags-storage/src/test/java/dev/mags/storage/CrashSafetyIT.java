package dev.mags.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.error.StoreUnavailableException;
import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.sync.SnapshotInfo;
import dev.mags.storage.testing.CrashingSyncMain;
import dev.mags.storage.testing.FaultInjectingObjectStore;
import dev.mags.storage.testing.S3Fixture;
import dev.mags.storage.testing.TreeDigest;
import dev.mags.storage.testing.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupted sync — a store failing after N puts, or the syncing JVM killed with SIGKILL — leaves the
 * previous snapshot as the latest and restorable, equal to the previous content by content hashes; and a
 * later sync succeeds. A workspace is always one complete snapshot or the next, never a mix.
 */
class CrashSafetyIT {
    static final WorkspaceRef WS = WorkspaceRef.of("alice", "crash");

    @TempDir
    Path tmp;
    S3Fixture s3;
    Path tree;
    Map<String, String> v1;
    SnapshotId first;

    @BeforeEach
    void start() throws IOException {
        s3 = new S3Fixture(tmp.resolve("s3"));
        tree = Files.createDirectories(tmp.resolve("upper"));
        Trees.many(tree, 60, 30_000, 1);
        WorkspaceStorage storage = new WorkspaceStorage(s3.store(), StorageSettings.defaults(tmp.resolve("state")));
        first = storage.sync(tree, WS, ProgressListener.NONE).id();
        v1 = TreeDigest.contents(tree);
        for (int i = 0; i < 80; i++) {                            // new files, each a chunk object of its own
            Trees.file(tree.resolve("v2/f" + i), 400_000, 200 + i);
        }
        Trees.many(tree.resolve("v2-small"), 200, 20_000, 4);   // new small files, packed
        Trees.file(tree.resolve("d1/sub1/f1.bin"), 300_000, 3);  // a changed one
        Files.delete(tree.resolve("d2/sub2/f2.bin"));             // a deleted one
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    Map<String, String> restoreLatest(WorkspaceStorage storage, String name) throws IOException {
        Path target = tmp.resolve(name);
        storage.restore(WS, Optional.empty(), target, ProgressListener.NONE);
        return TreeDigest.contents(target);
    }

    @Test
    void aStoreFailingAfterNPutsLeavesThePreviousSnapshot() throws IOException {
        FaultInjectingObjectStore faulty = new FaultInjectingObjectStore(s3.store());
        WorkspaceStorage storage = new WorkspaceStorage(faulty, StorageSettings.defaults(tmp.resolve("state")));
        int point = 0;
        for (int budget : new int[] {0, 3, 10, 25}) {
            faulty.failPutsAfter(budget, k -> k.startsWith("chunks/") || k.startsWith("packs/") || k.contains("/snapshots/"));
            assertThatThrownBy(() -> storage.sync(tree, WS, ProgressListener.NONE))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(storage.latest(WS)).contains(first);
            assertThat(restoreLatest(storage, "restored-" + point++)).isEqualTo(v1);
        }
        faulty.heal();
        SnapshotInfo done = storage.sync(tree, WS, ProgressListener.NONE);
        assertThat(done.id()).isGreaterThan(first);
        assertThat(restoreLatest(storage, "restored-final")).isEqualTo(TreeDigest.contents(tree));
    }

    @Test
    void aSyncKilledWithSigkillLeavesACompleteSnapshot() throws Exception {
        WorkspaceStorage storage = new WorkspaceStorage(s3.store(), StorageSettings.defaults(tmp.resolve("state")));
        Map<String, String> v2 = TreeDigest.contents(tree);
        long before = chunkFiles();
        int point = 0;
        for (int uploadedChunks : new int[] {1, 20, 60}) {
            Process child = startChild();
            try {
                while (chunkFiles() - before < uploadedChunks && child.isAlive()) {
                    Thread.sleep(5);
                }
                assertThat(child.isAlive()).as("the syncing JVM is still running (see child.log)").isTrue();
                child.destroyForcibly(); // SIGKILL
                child.waitFor(30, TimeUnit.SECONDS);
            } finally {
                child.destroyForcibly();
            }
            Map<String, String> restored = restoreLatest(storage, "restored-" + point++);
            assertThat(restored).satisfiesAnyOf(r -> assertThat(r).isEqualTo(v1), r -> assertThat(r).isEqualTo(v2));
            if (storage.latest(WS).orElseThrow().equals(first)) {
                assertThat(restored).isEqualTo(v1);
            }
        }
        assertThat(storage.latest(WS)).contains(first); // the kills came before the commit
        storage.sync(tree, WS, ProgressListener.NONE);
        assertThat(restoreLatest(storage, "restored-final")).isEqualTo(v2);
    }

    private Process startChild() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> argv = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                CrashingSyncMain.class.getName(), s3.server().endpoint().toString(), s3.server().accessKey(),
                s3.server().secretKey(), S3Fixture.BUCKET, tree.toString(), tmp.resolve("state").toString(), WS.owner(),
                WS.name(), "40"));
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    }

    private long chunkFiles() throws IOException {
        Path chunks = s3.bucketDir().resolve("chunks");
        if (!Files.exists(chunks)) {
            return 0;
        }
        while (true) {
            try (Stream<Path> s = Files.walk(chunks)) {
                return s.filter(Files::isRegularFile).count();
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException)) {
                    throw e;
                }
                // the S3 server renamed its temp file of an object while the walk listed it: count again
            }
        }
    }
}
