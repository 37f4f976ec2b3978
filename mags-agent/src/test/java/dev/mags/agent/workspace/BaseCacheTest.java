package dev.mags.agent.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.rootfs.MountCalls;
import dev.mags.agent.rootfs.NosuidBind;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseLayer;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.WorkspaceKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restored bases against a restorer that writes a small tree, and mount calls that are recorded. */
class BaseCacheTest {
    private static final StoredWorkspace GOLDEN = new StoredWorkspace("u1", "golden");
    private static final BaseLayer SNAP_A = new BaseLayer(GOLDEN, "20261206T063424710Z-7404c3c2");
    private static final BaseLayer SNAP_B = new BaseLayer(GOLDEN, "20261206T070000000Z-00000000");

    @TempDir
    Path tmp;

    private Path bases;
    private Path workspacesDir;
    private WorkspaceDisks workspaces;
    private final AtomicInteger restores = new AtomicInteger();
    private final List<String> mountCalls = new ArrayList<>();
    private volatile CountDownLatch restoreGate;
    private volatile RuntimeException restoreFailure;
    private BaseCache cache;

    @BeforeEach
    void setUp() throws IOException {
        bases = tmp.resolve("data/bases");
        workspacesDir = tmp.resolve("data/workspaces");
        Files.writeString(tmp.resolve("mountinfo"), "27 1 254:0 / / rw - ext4 /dev/vda rw\n");
        workspaces = new WorkspaceDisks(workspacesDir, tmp.resolve("data/sandboxes"), null, null);
        cache = new BaseCache(bases, this::restore, workspaces, new NosuidBind(new Mount(recording(), tmp.resolve("mountinfo"))));
    }

    @AfterEach
    void tearDown() {
        cache.close();
    }

    /** Writes a 5-byte file into the target, as a restore of a snapshot would. */
    private long restore(BaseLayer layer, Path target) {
        restores.incrementAndGet();
        try {
            CountDownLatch gate = restoreGate;
            if (gate != null) {
                gate.await();
            }
            if (restoreFailure != null) {
                throw restoreFailure;
            }
            Files.createDirectories(target);
            Files.writeString(target.resolve("hello"), "hello");
            return 5;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private MountCalls recording() {
        return new MountCalls() {
            @Override
            public void mount(String source, Path target, String type, String options) {
                mountCalls.add(options + " " + target);
            }

            @Override
            public void mountLoop(Path file, Path target, String type, String options) {
                throw new AssertionError("no loop mounts for bases");
            }

            @Override
            public void mountOverlay(String source, List<Path> lowers, Path upper, Path work, Path target) {
                throw new AssertionError("no overlays for bases");
            }

            @Override
            public void umount(Path target, boolean lazy) {
                mountCalls.add("umount " + target);
            }
        };
    }

    private Path copyOf(BaseLayer layer) {
        return bases.resolve(BaseCache.name(layer));
    }

    @Test
    void theDirectoryIsRootsAloneAndANosuidMountOfItsOwn() throws IOException {
        assertThat((int) Files.getAttribute(bases, "unix:mode") & 07777).isEqualTo(0700);
        Path real = bases.toRealPath();
        assertThat(mountCalls).containsExactly("bind " + real, "remount,bind,nosuid,nodev " + real);

        cache.close();

        assertThat(mountCalls).last().isEqualTo("umount " + real);
    }

    @Test
    void aCopyIsRestoredOnceSharedAndRemovedWhenItsLastContainerIsReleased() {
        Path first = cache.acquire(SNAP_A, "c1", null);
        Path second = cache.acquire(SNAP_A, "c2", null);

        assertThat(first).isEqualTo(second).isEqualTo(copyOf(SNAP_A));
        assertThat(first.resolve("hello")).hasContent("hello");
        assertThat(restores).hasValue(1);
        assertThat(cache.bytes(GOLDEN)).isEqualTo(5);

        cache.release("c1");
        assertThat(first).as("c2 still uses it").isDirectory();

        cache.release("c2");
        assertThat(first).as("nothing uses it").doesNotExist();
        assertThat(cache.bytes(GOLDEN)).isZero();
        assertThat(cache.copies()).isEmpty();

        cache.acquire(SNAP_A, "c3", null);
        assertThat(restores).as("restored again for the next sandbox").hasValue(2);
    }

    @Test
    void releasingAContainerThatHoldsNoBaseChangesNothing() {
        cache.acquire(SNAP_A, "c1", null);

        cache.release("warm-123");
        cache.release("c2");

        assertThat(copyOf(SNAP_A)).isDirectory();
        assertThat(cache.copies()).containsEntry(BaseCache.name(SNAP_A), 1);
    }

    @Test
    void aCopyAForkWasMadeOnStaysWhileTheForksDiskDoesAndGoesWithIt() throws IOException {
        WorkspaceKey fork = WorkspaceKey.of("ws-fork");
        cache.acquire(SNAP_A, "c1", fork);
        Files.createFile(workspacesDir.resolve("ws-fork").resolve(WorkspaceDisks.DISK_FILE)); // the builder made the disk

        cache.release("c1");
        cache.sweep();

        assertThat(copyOf(SNAP_A)).as("the fork's next sandbox needs it").isDirectory();
        assertThat(cache.bytes(GOLDEN)).isEqualTo(5);

        DirectoryTree.delete(workspacesDir.resolve("ws-fork"));
        cache.sweep();

        assertThat(copyOf(SNAP_A)).doesNotExist();
    }

    @Test
    void aPinBesideNoDiskKeepsNothing() {
        cache.acquire(SNAP_A, "c1", WorkspaceKey.of("ws-failed")); // its build failed: no disk.img

        cache.release("c1");

        assertThat(copyOf(SNAP_A)).doesNotExist();
    }

    @Test
    void aFailedRestoreHoldsNothingAndTheNextAcquireTriesAgain() {
        restoreFailure = new AgentException(AgentErrorCode.STORAGE_FAILED, "S3 unreachable");

        assertThatThrownBy(() -> cache.acquire(SNAP_A, "c1", null)).isInstanceOf(AgentException.class)
                .hasMessageContaining("S3 unreachable");
        assertThat(cache.copies()).isEmpty();

        restoreFailure = null;
        assertThat(cache.acquire(SNAP_A, "c1", null)).isDirectory();
        assertThat(restores).hasValue(2);
    }

    @Test
    void sandboxesThatAskForOneBaseAtOnceWaitForOneRestore() throws Exception {
        restoreGate = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Future<Path> a = threads.submit(() -> cache.acquire(SNAP_A, "c1", null));
            Future<Path> b = threads.submit(() -> cache.acquire(SNAP_A, "c2", null));
            while (cache.copies().getOrDefault(BaseCache.name(SNAP_A), 0) < 2) {
                Thread.sleep(1); // both hold it, one restores, the other waits for that restore
            }

            restoreGate.countDown();

            assertThat(a.get()).isEqualTo(b.get()).isDirectory();
        }
        assertThat(restores).hasValue(1);
    }

    @Test
    void reconcileRemovesWhatNothingHoldsAndWhatACrashLeftButKeepsHeldAndPinnedCopies() throws IOException {
        cache.acquire(SNAP_A, "c1", null); // held
        Path leftover = Files.createDirectories(copyOf(SNAP_B)); // an earlier run's, nothing holds it
        Files.writeString(leftover.resolve("f"), "x");
        Path halfRestored = Files.createDirectories(bases.resolve("u1/golden/.20261206T080000000Z-11111111.restore-abc"));
        Path halfRemoved = Files.createDirectories(bases.resolve(".removed-0123"));
        Path pinned = Files.createDirectories(bases.resolve("u2/other/20261206T090000000Z-22222222"));
        Files.writeString(pinned.resolve("g"), "1234567");
        Path forkDir = Files.createDirectories(workspacesDir.resolve("ws-f2"));
        Files.writeString(forkDir.resolve(WorkspaceDisks.BASE_PIN), "u2/other/20261206T090000000Z-22222222\n");
        Files.createFile(forkDir.resolve(WorkspaceDisks.DISK_FILE));

        List<String> removed = cache.reconcile();
        cache.close(); // waits for the background deletions

        assertThat(removed).containsExactlyInAnyOrder(BaseCache.name(SNAP_B), "u1/golden/.20261206T080000000Z-11111111.restore-abc");
        assertThat(leftover).doesNotExist();
        assertThat(halfRestored).doesNotExist();
        assertThat(halfRemoved).doesNotExist();
        assertThat(copyOf(SNAP_A)).isDirectory();
        assertThat(pinned).isDirectory();
        assertThat(cache.bytes(new StoredWorkspace("u2", "other"))).isEqualTo(7);
    }

    @Test
    void namesThatAreNoPlainPathSegmentsAreRefused() {
        BaseLayer escape = new BaseLayer(new StoredWorkspace("..", "x"), "20261206T063424710Z-7404c3c2");

        assertThatThrownBy(() -> cache.acquire(escape, "c1", null)).isInstanceOf(AgentException.class)
                .hasMessageContaining("'..'");
        assertThat(restores).hasValue(0);
    }

    @Test
    void anAgentWithoutStorageRefusesBases() {
        BaseCache none = BaseCache.none();

        assertThatThrownBy(() -> none.acquire(SNAP_A, "c1", null)).isInstanceOf(AgentException.class)
                .hasMessageContaining("no workspace storage");
        none.release("c1");
        assertThat(none.reconcile()).isEmpty();
        none.close();
    }
}
