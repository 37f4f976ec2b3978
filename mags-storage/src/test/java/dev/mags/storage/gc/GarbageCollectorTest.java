package dev.mags.storage.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.StorageSettings;
import dev.mags.storage.WorkspaceStorage;
import dev.mags.storage.chunk.ChunkStore;
import dev.mags.storage.error.LockConflictException;
import dev.mags.storage.layout.BucketLayout;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.lock.LeaseSettings;
import dev.mags.storage.object.InMemoryObjectStore;
import dev.mags.storage.object.ObjectInfo;
import dev.mags.storage.object.ObjectStore;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.sync.SnapshotInfo;
import dev.mags.storage.sync.SyncOptions;
import dev.mags.storage.testing.FaultInjectingObjectStore;
import dev.mags.storage.testing.TreeDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectorTest {
    static final WorkspaceRef A = WorkspaceRef.of("alice", "a");
    static final WorkspaceRef B = WorkspaceRef.of("bob", "b");

    @TempDir
    Path tmp;

    WorkspaceStorage storage(ObjectStore store, Duration grace, Duration waitLimit) {
        LeaseSettings leases = new LeaseSettings(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMillis(20), waitLimit);
        return new WorkspaceStorage(store, StorageSettings.defaults(tmp.resolve("state")).withGcGrace(grace)
                .withLeases(leases).withSync(new SyncOptions(4, 3, Duration.ZERO)));
    }

    static Set<String> chunks(ObjectStore store) {
        try (var s = store.list(BucketLayout.CHUNKS)) {
            return s.map(ObjectInfo::key).collect(Collectors.toSet());
        }
    }

    static Set<String> packs(ObjectStore store) {
        try (var s = store.list(BucketLayout.PACKS)) {
            return s.map(ObjectInfo::key).collect(Collectors.toSet());
        }
    }

    /** Two files large enough to be chunk objects of their own (small ones travel in per-workspace packs). */
    Path tree(String name, String shared, String own) throws IOException {
        Path t = Files.createDirectories(tmp.resolve(name));
        Files.writeString(t.resolve("shared"), large(shared));
        Files.writeString(t.resolve("own"), large(own));
        return t;
    }

    static String large(String text) {
        return (text + "\n").repeat(ChunkStore.PACKED_AT_MOST / (text.length() + 1) + 1);
    }

    @Test
    void collectsChunksOfDeletedWorkspacesAndKeepsSharedAndReferencedOnes() throws IOException {
        InMemoryObjectStore store = new InMemoryObjectStore();
        WorkspaceStorage s = storage(store, Duration.ZERO, Duration.ofSeconds(5));
        s.sync(tree("ta", "same", "only a"), A, ProgressListener.NONE);
        Path tb = tree("tb", "same", "only b");
        s.sync(tb, B, ProgressListener.NONE);
        assertThat(chunks(store)).hasSize(3);

        s.deleteWorkspace(A);
        GcReport report = s.collectGarbage();

        assertThat(report.chunksDeleted()).isEqualTo(1);
        assertThat(chunks(store)).hasSize(2);
        Path restored = tmp.resolve("rb");
        s.restore(B, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(TreeDigest.contents(restored)).isEqualTo(TreeDigest.contents(tb));
        assertThat(store.list("locks/").count()).isZero();
    }

    @Test
    void chunksYoungerThanTheGracePeriodAreKept() throws IOException {
        InMemoryObjectStore store = new InMemoryObjectStore();
        WorkspaceStorage s = storage(store, Duration.ofHours(1), Duration.ofSeconds(5));
        s.sync(tree("ta", "x", "y"), A, ProgressListener.NONE);
        s.deleteWorkspace(A);
        GcReport report = s.collectGarbage();
        assertThat(report.chunksDeleted()).isZero();
        assertThat(report.keptYoung()).isEqualTo(2);
    }

    @Test
    void theChunksOfASyncInFlightAreNeverCollected() throws Exception {
        InMemoryObjectStore base = new InMemoryObjectStore();
        FaultInjectingObjectStore store = new FaultInjectingObjectStore(base);
        WorkspaceStorage s = storage(store, Duration.ZERO, Duration.ofSeconds(1));
        // B has a chunk that A's next sync will find in the store and not upload again
        s.sync(tree("tb", "shared content", "b"), B, ProgressListener.NONE);
        Path ta = tree("ta", "shared content", "a's own");
        store.holdChunkPuts();
        CompletableFuture<SnapshotInfo> sync = CompletableFuture.supplyAsync(() -> s.sync(ta, A, ProgressListener.NONE));
        while (base.list(BucketLayout.SHARED_LOCKS).count() == 0) {
            Thread.sleep(10);
        }
        Thread.sleep(200); // A has looked up the shared chunk and waits to upload its own
        s.deleteWorkspace(B); // the shared chunk is now referenced by no manifest

        assertThatThrownBy(s::collectGarbage).isInstanceOf(LockConflictException.class)
                .hasMessageContaining("syncs still hold leases").hasMessageContaining("deleted nothing");
        assertThat(chunks(base)).hasSize(2);

        store.open();
        sync.get();
        GcReport after = s.collectGarbage();
        assertThat(after.chunksDeleted()).isEqualTo(1); // only B's own chunk
        Path restored = tmp.resolve("ra");
        s.restore(A, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(TreeDigest.contents(restored)).isEqualTo(TreeDigest.contents(ta));
    }

    @Test
    void chunksUploadedByASyncThatHasNotCommittedYetAreKept() throws Exception {
        InMemoryObjectStore base = new InMemoryObjectStore();
        FaultInjectingObjectStore store = new FaultInjectingObjectStore(base);
        WorkspaceStorage s = storage(store, Duration.ZERO, Duration.ofMillis(500));
        Path ta = tree("ta", "one", "two");
        store.holdPuts(k -> k.contains("/snapshots/"));
        CompletableFuture<SnapshotInfo> sync = CompletableFuture.supplyAsync(() -> s.sync(ta, A, ProgressListener.NONE));
        while (chunks(base).size() < 2) {
            Thread.sleep(10);
        }
        // both chunks are uploaded and referenced by no manifest yet; the grace period is zero
        assertThatThrownBy(s::collectGarbage).isInstanceOf(LockConflictException.class);
        assertThat(chunks(base)).hasSize(2);
        store.open();
        sync.get();
        assertThat(s.collectGarbage().chunksDeleted()).isZero();
        assertThat(chunks(base)).hasSize(2);
    }

    @Test
    void aCollectionWaitsForRunningSyncsAndThenSeesTheirManifests() throws Exception {
        InMemoryObjectStore base = new InMemoryObjectStore();
        FaultInjectingObjectStore store = new FaultInjectingObjectStore(base);
        WorkspaceStorage s = storage(store, Duration.ZERO, Duration.ofSeconds(20));
        s.sync(tree("tb", "shared content", "b"), B, ProgressListener.NONE);
        Path ta = tree("ta", "shared content", "a's own");
        store.holdChunkPuts();
        CompletableFuture<SnapshotInfo> sync = CompletableFuture.supplyAsync(() -> s.sync(ta, A, ProgressListener.NONE));
        while (base.list(BucketLayout.SHARED_LOCKS).count() == 0) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        s.deleteWorkspace(B);
        CompletableFuture<GcReport> gc = CompletableFuture.supplyAsync(s::collectGarbage);
        while (!base.exists(BucketLayout.EXCLUSIVE_LOCK)) {
            Thread.sleep(10);
        }
        store.open();
        sync.get();
        assertThat(gc.get().chunksDeleted()).isEqualTo(1);
        Path restored = tmp.resolve("ra");
        s.restore(A, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(TreeDigest.contents(restored)).isEqualTo(TreeDigest.contents(ta));
    }

    @Test
    void aPackStaysWhileAnySnapshotUsesOneOfItsChunksAndGoesWithTheLast() throws IOException {
        InMemoryObjectStore store = new InMemoryObjectStore();
        LeaseSettings leases = new LeaseSettings(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMillis(20),
                Duration.ofSeconds(5));
        WorkspaceStorage s = new WorkspaceStorage(store, StorageSettings.defaults(tmp.resolve("state")).withGcGrace(Duration.ZERO)
                .withLeases(leases).withKeepLast(1).withSync(new SyncOptions(4, 3, Duration.ZERO)));
        Path ta = Files.createDirectories(tmp.resolve("small"));
        Files.writeString(ta.resolve("kept"), "unchanged small file");
        Files.writeString(ta.resolve("edited"), "first version");
        s.sync(ta, A, ProgressListener.NONE);
        Files.writeString(ta.resolve("edited"), "second, longer version");
        s.sync(ta, A, ProgressListener.NONE); // retention deleted the first snapshot; "kept" still lives in its pack
        Path tb = Files.createDirectories(tmp.resolve("small-b"));
        Files.writeString(tb.resolve("b"), "bob's file");
        s.sync(tb, B, ProgressListener.NONE);
        assertThat(packs(store)).hasSize(3);

        assertThat(s.collectGarbage().chunksDeleted()).isZero();
        Path restored = tmp.resolve("ra");
        s.restore(A, Optional.empty(), restored, ProgressListener.NONE);
        assertThat(TreeDigest.contents(restored)).isEqualTo(TreeDigest.contents(ta));

        s.deleteWorkspace(A);
        assertThat(s.collectGarbage().chunksDeleted()).isEqualTo(2);
        assertThat(packs(store)).hasSize(1);
        Path restoredB = tmp.resolve("rb");
        s.restore(B, Optional.empty(), restoredB, ProgressListener.NONE);
        assertThat(TreeDigest.contents(restoredB)).isEqualTo(TreeDigest.contents(tb));
    }
}
