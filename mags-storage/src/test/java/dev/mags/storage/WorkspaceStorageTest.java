package dev.mags.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.error.CorruptDataException;
import dev.mags.storage.error.InvalidStorageArgumentException;
import dev.mags.storage.error.StoreUnavailableException;
import dev.mags.storage.layout.BucketLayout;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.object.InMemoryObjectStore;
import dev.mags.storage.progress.Progress;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.sync.SnapshotInfo;
import dev.mags.storage.sync.SyncOptions;
import dev.mags.storage.testing.CountingFileOpener;
import dev.mags.storage.testing.FaultInjectingObjectStore;
import dev.mags.storage.testing.TreeDigest;
import dev.mags.storage.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sync, restore, incremental reads, dedup and retention against the in-memory store (no root needed). */
class WorkspaceStorageTest {
    static final WorkspaceRef WS = WorkspaceRef.of("alice", "proj");

    @TempDir
    Path tmp;
    Path tree;
    InMemoryObjectStore store;
    CountingFileOpener opener;
    WorkspaceStorage storage;

    @BeforeEach
    void setUp() throws IOException {
        tree = Files.createDirectories(tmp.resolve("upper"));
        store = new InMemoryObjectStore();
        opener = new CountingFileOpener();
        storage = storage(store, 10);
    }

    WorkspaceStorage storage(dev.mags.storage.object.ObjectStore s, int keepLast) {
        StorageSettings settings = StorageSettings.defaults(tmp.resolve("state")).withKeepLast(keepLast)
                .withSync(new SyncOptions(4, 3, Duration.ZERO));
        return new WorkspaceStorage(s, settings, opener, Clock.systemUTC());
    }

    void sampleTree() throws IOException {
        Trees.many(tree, 40, 20_000, 1);
        Trees.file(tree.resolve("big/large.bin"), 9 * 1024 * 1024 + 17, 2); // three chunks
        Files.writeString(tree.resolve("empty"), "");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("big/large.bin"));
        Files.createSymbolicLink(tree.resolve("dangling"), Path.of("/nowhere"));
        Files.createLink(tree.resolve("big/hard"), tree.resolve("big/large.bin"));
        Files.createDirectories(tree.resolve("a/deep/empty/dir"));
    }

    @Test
    void aCopyThatAnotherHostMovedOnFromIsNotSyncedOverTheNewerSnapshot() throws IOException {
        // host A syncs; host B (its own local index) restores that snapshot, changes the tree and syncs
        Files.writeString(tree.resolve("notes"), "from host A");
        SnapshotInfo first = storage.sync(tree, WS, ProgressListener.NONE);
        WorkspaceStorage hostB = new WorkspaceStorage(store, StorageSettings.defaults(tmp.resolve("state-b"))
                .withSync(new SyncOptions(4, 3, Duration.ZERO)), opener, Clock.systemUTC());
        Path treeB = tmp.resolve("on-b");
        hostB.restore(WS, Optional.empty(), treeB, ProgressListener.NONE);
        Files.writeString(treeB.resolve("notes"), "from host B");
        SnapshotInfo second = hostB.sync(treeB, WS, ProgressListener.NONE);

        // host A, cut off meanwhile, still has its copy: it is behind, and a sync of it is refused
        assertThat(storage.copyBehind(WS)).isTrue();
        assertThat(hostB.copyBehind(WS)).isFalse();
        Files.writeString(tree.resolve("notes"), "late from host A");
        assertThatThrownBy(() -> storage.sync(tree, WS, ProgressListener.NONE))
                .isInstanceOf(dev.mags.storage.error.SnapshotConflictException.class)
                .hasMessageContaining("descends from snapshot " + first.id().value());
        Path latest = tmp.resolve("latest");
        storage.restore(WS, Optional.empty(), latest, ProgressListener.NONE);
        assertThat(Files.readString(latest.resolve("notes"))).isEqualTo("from host B");
        assertThat(storage.latest(WS)).contains(second.id());

        // a copy restored from the latest is current, and syncs again
        assertThat(storage.copyBehind(WS)).isFalse();
        Files.writeString(latest.resolve("notes"), "host A, restored");
        assertThat(storage.sync(latest, WS, ProgressListener.NONE).unchanged()).isFalse();
    }

    @Test
    void aRestoredTreeEqualsTheSyncedOneByteForByteAndAttributeForAttribute() throws IOException {
        sampleTree();
        List<Progress> progress = new CopyOnWriteArrayList<>();
        SnapshotInfo info = storage.sync(tree, WS, progress::add);

        assertThat(info.files()).isEqualTo(43);
        assertThat(info.filesRead()).isEqualTo(42);
        assertThat(progress.get(progress.size() - 1).phase()).isEqualTo(Progress.Phase.DONE);
        assertThat(progress.get(progress.size() - 1).bytesDone()).isEqualTo(info.bytes());
        Path restored = tmp.resolve("restored");
        storage.restore(WS, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(TreeDigest.of(restored)).isEqualTo(TreeDigest.of(tree));
    }

    @Test
    void anUnchangedTreeIsSyncedWithoutOpeningAFile() throws IOException {
        sampleTree();
        SnapshotInfo first = storage.sync(tree, WS, ProgressListener.NONE);
        opener.reset();

        SnapshotInfo again = storage.sync(tree, WS, ProgressListener.NONE);
        assertThat(opener.opened()).isEmpty();
        assertThat(again.bytesUploaded()).isZero();
        assertThat(again.filesRead()).isZero();
        assertThat(again.unchanged()).isTrue();
        assertThat(again.id()).isEqualTo(first.id()); // an identical tree needs no new snapshot
        assertThat(storage.snapshots(WS)).hasSize(1);

        Files.setPosixFilePermissions(tree.resolve("empty"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        SnapshotInfo chmod = storage.sync(tree, WS, ProgressListener.NONE);
        assertThat(chmod.unchanged()).isFalse();
        assertThat(chmod.id()).isGreaterThan(first.id());
        opener.reset();

        Files.writeString(tree.resolve("d3/sub3/f3.bin"), "changed");
        SnapshotInfo third = storage.sync(tree, WS, ProgressListener.NONE);
        assertThat(opener.opened()).containsExactly("d3/sub3/f3.bin");
        assertThat(third.chunksUploaded()).isEqualTo(1);
        Path restored = tmp.resolve("r");
        storage.restore(WS, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(Files.readString(restored.resolve("d3/sub3/f3.bin"))).isEqualTo("changed");
    }

    /**
     * The manifest was stored but the sync did not learn it (the store's answer was lost, or the process was
     * killed right after the commit): syncing the unchanged tree again opens no file and makes no new snapshot.
     */
    @Test
    void aRetryOfASyncThatCommittedUnseenIsCheapAndMakesNoNewSnapshot() throws IOException {
        sampleTree();
        storage.sync(tree, WS, ProgressListener.NONE);
        Files.writeString(tree.resolve("d3/sub3/f3.bin"), "changed");
        FaultInjectingObjectStore answersLost = new FaultInjectingObjectStore(store)
                .loseAnswers(k -> k.startsWith("workspaces/"));
        assertThatThrownBy(() -> storage(answersLost, 10).sync(tree, WS, ProgressListener.NONE))
                .isInstanceOf(StoreUnavailableException.class);
        List<dev.mags.storage.history.SnapshotSummary> committed = storage.snapshots(WS);
        assertThat(committed).as("the second sync committed").hasSize(2);
        opener.reset();

        SnapshotInfo retry = storage(store, 10).sync(tree, WS, ProgressListener.NONE);

        assertThat(retry.unchanged()).isTrue();
        assertThat(retry.id()).isEqualTo(committed.getLast().id());
        assertThat(opener.opened()).isEmpty();
        assertThat(retry.bytesUploaded()).isZero();
        assertThat(storage.snapshots(WS)).hasSize(2);
    }

    @Test
    void aRestoredTreeIsIndexedSoItsFirstSyncReadsNothing() throws IOException {
        sampleTree();
        storage.sync(tree, WS, ProgressListener.NONE);
        Path restored = tmp.resolve("r");
        storage.restore(WS, Optional.empty(), restored, ProgressListener.NONE);
        opener.reset();
        SnapshotInfo info = storage.sync(restored, WS, ProgressListener.NONE);
        assertThat(opener.opened()).isEmpty();
        assertThat(info.unchanged()).isTrue();
    }

    @Test
    void twoWorkspacesWithTheSameFileStoreItsChunksOnce() throws IOException {
        Trees.file(tree.resolve("same.bin"), 10 * 1024 * 1024, 7);
        storage.sync(tree, WS, ProgressListener.NONE);
        long chunksAfterFirst = store.list(BucketLayout.CHUNKS).count();
        SnapshotInfo other = storage.sync(tree, WorkspaceRef.of("bob", "other"), ProgressListener.NONE);
        assertThat(store.list(BucketLayout.CHUNKS).count()).isEqualTo(chunksAfterFirst).isEqualTo(3);
        assertThat(other.bytesUploaded()).isZero();
        assertThat(other.filesRead()).isEqualTo(1);
    }

    @Test
    void retentionKeepsTheLastNSnapshots() throws IOException {
        WorkspaceStorage keepTwo = storage(store, 2);
        for (int i = 0; i < 4; i++) {
            Files.writeString(tree.resolve("v"), "version " + i);
            keepTwo.sync(tree, WS, ProgressListener.NONE);
        }
        var snapshots = keepTwo.snapshots(WS);
        assertThat(snapshots).hasSize(2);
        assertThat(snapshots.get(0).id()).isLessThan(snapshots.get(1).id());
        assertThat(snapshots.get(1).files()).isEqualTo(1);
        Path restored = tmp.resolve("r");
        keepTwo.restore(WS, Optional.of(snapshots.get(0).id()), restored, ProgressListener.NONE);
        assertThat(Files.readString(restored.resolve("v"))).isEqualTo("version 2");
    }

    @Test
    void aFailedSyncLeavesThePreviousSnapshotAsTheLatest() throws IOException {
        sampleTree();
        FaultInjectingObjectStore faulty = new FaultInjectingObjectStore(store);
        WorkspaceStorage s = storage(faulty, 10);
        SnapshotInfo first = s.sync(tree, WS, ProgressListener.NONE);
        var before = TreeDigest.contents(tree);
        for (int i = 0; i < 20; i++) {
            Trees.file(tree.resolve("new/f" + i), 300_000, 90 + i); // chunk objects of their own: one put each
        }
        Files.writeString(tree.resolve("d1/sub1/f1.bin"), "overwritten");
        // chunks uploaded by a failed attempt are found by the next one, so the budgets add up: 0+1+3+6 < 21
        for (int n : new int[] {0, 1, 3, 6}) {
            faulty.failPutsAfter(n, k -> k.startsWith("chunks/") || k.startsWith("packs/") || k.contains("/snapshots/"));
            assertThatThrownBy(() -> s.sync(tree, WS, ProgressListener.NONE))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("injected fault");
            assertThat(s.latest(WS)).contains(first.id());
        }
        faulty.heal();
        Path restored = tmp.resolve("r");
        s.restore(WS, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(TreeDigest.contents(restored)).isEqualTo(before);
        SnapshotInfo later = s.sync(tree, WS, ProgressListener.NONE);
        assertThat(later.id()).isGreaterThan(first.id());
    }

    @Test
    void aCorruptChunkFailsTheRestoreAndLeavesNothingBehind() throws IOException {
        Trees.file(tree.resolve("big"), 1 << 20, 5);
        storage.sync(tree, WS, ProgressListener.NONE);
        String key = store.list(BucketLayout.CHUNKS).findFirst().orElseThrow().key();
        store.corrupt(key, com.github.luben.zstd.Zstd.compress(new byte[1 << 20]));
        assertRestoreFailsAsCorrupt();
    }

    @Test
    void aCorruptPackWithoutFrameChecksumsFailsItsHashAndTheRestore() throws IOException {
        Files.writeString(tree.resolve("a"), "hello");
        storage.sync(tree, WS, ProgressListener.NONE);
        String key = store.list(BucketLayout.PACKS).findFirst().orElseThrow().key();
        byte[] pack = store.getBytes(key);
        pack[4] &= ~0x04; // the frame now says it has no checksum, as frames written before it had none
        pack[pack.length - 6] ^= 'h' ^ 'H'; // "hello" becomes "Hello"
        store.corrupt(key, pack);
        assertRestoreFailsAsCorrupt();
    }

    @Test
    void aPackWithAChangedByteFailsTheFramesChecksumAndTheRestore() throws IOException {
        Trees.file(tree.resolve("small"), 50_000, 21); // random bytes: zstd stores them as they are
        storage.sync(tree, WS, ProgressListener.NONE);
        String key = store.list(BucketLayout.PACKS).findFirst().orElseThrow().key();
        byte[] pack = store.getBytes(key);
        pack[pack.length - 100] ^= 1; // in the stored bytes, before the frame's 4-byte checksum
        store.corrupt(key, pack);
        assertRestoreFailsAsCorrupt();
    }

    @Test
    void smallFilesTravelInPacksAndRestoreWithARequestPerPack() throws IOException {
        Trees.many(tree.resolve("small"), 500, 40_000, 12); // 20 MB: three packs
        Trees.file(tree.resolve("big"), 9 << 20, 13);      // three chunk objects
        FaultInjectingObjectStore counting = new FaultInjectingObjectStore(store);
        WorkspaceStorage s = storage(counting, 10);
        s.sync(tree, WS, ProgressListener.NONE);
        long packs = store.list(BucketLayout.PACKS).count();
        assertThat(packs).isBetween(2L, 4L);
        assertThat(store.list(BucketLayout.CHUNKS).count()).isEqualTo(3);

        int getsBefore = counting.gets();
        Path restored = tmp.resolve("r");
        s.restore(WS, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(TreeDigest.contents(restored)).isEqualTo(TreeDigest.contents(tree));
        // the manifest, one range of each pack, one request per large chunk
        assertThat(counting.gets() - getsBefore).isEqualTo(1 + packs + 3);
    }

    @Test
    void aPackKeepsServingTheUnchangedFilesOfLaterSnapshots() throws IOException {
        Trees.many(tree.resolve("small"), 50, 2_000, 14);
        storage.sync(tree, WS, ProgressListener.NONE);
        Files.writeString(tree.resolve("small/changed"), "new small file");
        Files.writeString(tree.resolve("small/d0/sub0/f0.bin"), "rewritten");
        SnapshotInfo second = storage.sync(tree, WS, ProgressListener.NONE);
        assertThat(second.filesRead()).isEqualTo(2);
        assertThat(store.list(BucketLayout.PACKS).count()).isEqualTo(2);
        Path restored = tmp.resolve("r");
        storage.restore(WS, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(TreeDigest.contents(restored)).isEqualTo(TreeDigest.contents(tree));
    }

    private void assertRestoreFailsAsCorrupt() throws IOException {
        Path restored = tmp.resolve("r");
        assertThatThrownBy(() -> storage.restore(WS, Optional.empty(), restored, ProgressListener.NONE))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("is corrupt");
        assertThat(restored).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".restore-"));
        }
    }

    @Test
    void aFileDeletedWhileTheSyncRunsIsLeftOutNotAFailure() throws IOException {
        Files.writeString(tree.resolve("keep"), "k");
        Files.writeString(tree.resolve("tmpfile"), "t");
        Files.createLink(tree.resolve("tmpfile-link"), tree.resolve("tmpfile"));
        dev.mags.storage.sync.FileOpener deleting = (root, file) -> {
            if (file.startsWith("tmpfile")) {
                Files.deleteIfExists(tree.resolve("tmpfile"));
                Files.deleteIfExists(tree.resolve("tmpfile-link"));
            }
            return dev.mags.storage.sync.FileOpener.DEFAULT.open(root, file);
        };
        WorkspaceStorage s = new WorkspaceStorage(store, StorageSettings.defaults(tmp.resolve("state2")), deleting,
                Clock.systemUTC());
        SnapshotInfo info = s.sync(tree, WS, ProgressListener.NONE);
        assertThat(info.files()).isEqualTo(1);
        Path restored = tmp.resolve("r");
        s.restore(WS, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(TreeDigest.contents(restored)).containsOnlyKeys("keep");
    }

    /**
     * The race of a sandbox against the sync, made deterministic through the opener seam: between the scan
     * and the read, a scanned file becomes a FIFO, and a scanned directory becomes a symlink to a host
     * directory holding a file of the same name. The sync neither blocks nor follows: both are left out.
     */
    @Test
    void whatIsSwappedInBetweenScanAndReadIsLeftOutNotFollowedNorWaitedOn() throws IOException {
        Path host = Files.createDirectories(tmp.resolve("host"));
        Files.writeString(host.resolve("secret"), "host secret");
        Files.createDirectories(tree.resolve("dir"));
        Files.writeString(tree.resolve("dir/secret"), "own");
        Files.writeString(tree.resolve("pipe"), "a file when scanned");
        Files.writeString(tree.resolve("keep"), "k");
        dev.mags.storage.sync.FileOpener swapping = (root, file) -> {
            if (file.equals("pipe")) {
                Files.delete(tree.resolve("pipe"));
                dev.mags.storage.tree.NativeFs.mknod(tree.resolve("pipe"), dev.mags.storage.tree.NativeFs.S_IFIFO | 0644, 0, 0);
            } else if (file.equals("dir/secret")) {
                Files.move(tree.resolve("dir"), tree.resolve("dir.moved"));
                Files.createSymbolicLink(tree.resolve("dir"), host);
            }
            return dev.mags.storage.sync.FileOpener.DEFAULT.open(root, file);
        };
        WorkspaceStorage s = new WorkspaceStorage(store, StorageSettings.defaults(tmp.resolve("state2")), swapping,
                Clock.systemUTC());
        SnapshotInfo info = s.sync(tree, WS, ProgressListener.NONE);
        assertThat(info.files()).isEqualTo(1);
        Path restored = tmp.resolve("r");
        s.restore(WS, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(TreeDigest.contents(restored)).containsOnlyKeys("keep");
    }

    @Test
    void restoreRefusesAnExistingTarget() throws IOException {
        Files.writeString(tree.resolve("a"), "x");
        storage.sync(tree, WS, ProgressListener.NONE);
        assertThatThrownBy(() -> storage.restore(WS, Optional.empty(), tree, ProgressListener.NONE))
                .isInstanceOf(InvalidStorageArgumentException.class).hasMessageContaining("exists");
    }

    @Test
    void deletingAWorkspaceRemovesItsSnapshotsOnly() throws IOException {
        Files.writeString(tree.resolve("a"), "x");
        storage.sync(tree, WS, ProgressListener.NONE);
        storage.sync(tree, WorkspaceRef.of("alice", "other"), ProgressListener.NONE);
        assertThat(storage.workspaces("alice")).extracting(w -> w.workspace().name()).containsExactly("other", "proj");
        assertThat(storage.deleteWorkspace(WS)).isEqualTo(1);
        assertThat(storage.snapshots(WS)).isEmpty();
        assertThat(storage.workspaces("alice")).extracting(w -> w.workspace().name()).containsExactly("other");
        assertThat(store.list(BucketLayout.PACKS).count()).isEqualTo(1); // the same small file packs the same way
    }
}
