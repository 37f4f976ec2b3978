package dev.mags.agent.workspace;

import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.rootfs.NosuidBind;
import dev.mags.agent.rootfs.PrivateDirs;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.BaseLayer;
import dev.mags.protocol.v1.StoredWorkspace;
import dev.mags.protocol.v1.WorkspaceRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restored base snapshots ({@code --base}): {@code <dir>/<owner>/<name>/<snapshot>/}, each mounted read-only
 * as a lower layer of the sandboxes built on it. A copy is restored when a sandbox first needs it and kept
 * while a sandbox uses it (a lease per container, given back when the container is released) or a
 * workspace disk on this host was forked from it (a pin, see {@link WorkspaceDisks#pinBase}: the fork's
 * next sandbox needs the same snapshot, which retention may since have deleted from storage). When
 * neither holds it, the copy is renamed away at once and deleted in the background; {@link #reconcile}
 * removes every copy that nothing holds, and what a crash left. A copy is as large as the snapshot's
 * files: without this, each {@code --base} run on a new snapshot left one more behind for good.
 *
 * <p>The directory is root's alone (0700) and a {@code nosuid,nodev} mount of its own ({@link NosuidBind}):
 * a copy holds a user's files as their snapshot has them, setuid bits included, which only the sandboxes'
 * overlays may honour.
 */
public final class BaseCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BaseCache.class);
    /** The alphabet of storage's key segments (owner, name, snapshot id): never '.' first, so never a temp name. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    /** Prefix of a copy renamed away for deletion. */
    private static final String REMOVED = ".removed-";
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

    /** Restores a base snapshot to a target that does not exist yet; returns the bytes of its files. */
    public interface Restorer {
        long restore(BaseLayer layer, Path target);
    }

    /** One restored copy; {@code users} is guarded by the cache. */
    private static final class Copy {
        final String name;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        volatile long bytes;
        int users;

        Copy(String name) {
            this.name = name;
        }
    }

    private final Path dir;
    private final Restorer restorer;
    private final WorkspaceDisks workspaces;
    private final NosuidBind mount;
    /** By name ({@code owner/name/snapshot}); only copies that exist or are being restored. */
    private final Map<String, Copy> copies = new HashMap<>();
    /** The copy each container holds. */
    private final Map<String, Copy> leases = new HashMap<>();
    private final ExecutorService remover = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("base-remover").daemon().factory());

    /** Creates {@code dir} (root's, 0700) and makes it a nosuid mount through {@code mount}. */
    public BaseCache(Path dir, Restorer restorer, WorkspaceDisks workspaces, NosuidBind mount) {
        this(dir, restorer, workspaces, mount, true);
    }

    private BaseCache(Path dir, Restorer restorer, WorkspaceDisks workspaces, NosuidBind mount, boolean enabled) {
        this.dir = dir;
        this.restorer = restorer;
        this.workspaces = workspaces;
        this.mount = mount;
        if (!enabled) {
            return;
        }
        try {
            PrivateDirs.ensure(dir);
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot create " + dir + ": " + e.getMessage(), e);
        }
        mount.ensure(dir);
    }

    /** The cache of an agent without workspace storage: it has no bases, and refuses to restore one. */
    public static BaseCache none() {
        return new BaseCache(null, null, null, null, false);
    }

    /** The name of a base's copy under the cache's directory. */
    static String name(BaseLayer layer) {
        StoredWorkspace ws = layer.workspace();
        for (String segment : List.of(ws.owner(), ws.name(), layer.snapshotId())) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new AgentException(AgentErrorCode.INVALID_SPEC, "base " + ws + " snapshot " + layer.snapshotId()
                        + ": '" + segment + "' is not a valid name");
            }
        }
        return ws.owner() + "/" + ws.name() + "/" + layer.snapshotId();
    }

    /**
     * The directory of {@code layer}'s copy, restored first when there is none, held for {@code containerId}
     * until {@link #release} of that container. With {@code fork}, the copy is also pinned for that
     * workspace's disk.
     *
     * @throws AgentException STORAGE_FAILED or NOT_FOUND when the restore fails; nothing is held then
     */
    public Path acquire(BaseLayer layer, String containerId, WorkspaceRef fork) {
        if (restorer == null) {
            throw new AgentException(AgentErrorCode.STORAGE_FAILED, "this agent has no workspace storage configured");
        }
        String name = name(layer);
        Copy copy;
        boolean restoreHere;
        synchronized (this) {
            if (leases.containsKey(containerId)) {
                throw new IllegalStateException("container " + containerId + " already holds a base");
            }
            copy = copies.get(name);
            restoreHere = copy == null;
            if (restoreHere) {
                copy = new Copy(name);
                copies.put(name, copy);
            }
            copy.users++;
            leases.put(containerId, copy);
        }
        Path target = dir.resolve(name);
        try {
            if (restoreHere) {
                copy.bytes = restore(layer, target);
                copy.ready.complete(null);
            } else {
                copy.ready.join();
            }
            if (fork != null) {
                workspaces.pinBase(fork, name);
            }
            return target;
        } catch (RuntimeException e) {
            Throwable failure = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (restoreHere) {
                synchronized (this) {
                    copies.remove(name, copy); // the next acquire tries again
                }
                copy.ready.completeExceptionally(failure);
            }
            release(containerId);
            throw failure instanceof RuntimeException r ? r : e;
        }
    }

    private long restore(BaseLayer layer, Path target) {
        try {
            PrivateDirs.ensure(target.getParent());
            if (Files.isDirectory(target)) { // left by a removal that could not rename it away
                return DirectoryTree.sizeBytes(target);
            }
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.ROOTFS_FAILED, "cannot prepare " + target + ": " + e.getMessage(), e);
        }
        long bytes = restorer.restore(layer, target);
        LOG.info("restored base {} ({} bytes)", target, bytes);
        return bytes;
    }

    /** Gives back what {@code containerId} holds, if anything; a copy nothing holds any more is removed. */
    public synchronized void release(String containerId) {
        Copy copy = leases.remove(containerId);
        if (copy == null) {
            return;
        }
        copy.users--;
        if (copy.users == 0 && copies.get(copy.name) == copy) {
            Set<String> pinned = pinned();
            if (pinned != null && !pinned.contains(copy.name)) {
                remove(copy);
            }
        }
    }

    /** Removes the copies nothing holds any more, e.g. after the workspace that pinned one was deleted. */
    public synchronized void sweep() {
        Set<String> pinned = pinned();
        if (pinned == null) {
            return;
        }
        for (Copy copy : List.copyOf(copies.values())) {
            if (copy.users == 0 && copy.ready.isDone() && !pinned.contains(copy.name)) {
                remove(copy);
            }
        }
    }

    /** The copies workspace disks are pinned to, or null when they cannot be read: nothing is removed then. */
    private Set<String> pinned() {
        if (workspaces == null) {
            return null; // no storage: no copies
        }
        try {
            return workspaces.pinnedBases();
        } catch (java.io.UncheckedIOException e) {
            LOG.warn("{}; base copies are kept until it can be read", e.getMessage());
            return null;
        }
    }

    /** Renames the copy away (a new restore of the same snapshot may start at once) and deletes it in the background. */
    private void remove(Copy copy) {
        copies.remove(copy.name, copy);
        Path from = dir.resolve(copy.name);
        Path trash = dir.resolve(REMOVED + UUID.randomUUID());
        try {
            if (!Files.exists(from)) {
                return;
            }
            Files.move(from, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot remove the base copy {}: {}; the next start removes it", from, e.getMessage());
            return;
        }
        LOG.info("removed base {}: no sandbox or workspace uses it", copy.name);
        remover.execute(() -> deleteQuietly(trash));
    }

    /**
     * Removes every copy nothing holds, the half-restored copies and the removals a crash left, and takes on
     * the copies pinned by workspace disks; returns the names of what it removed. Called at start, when no
     * sandbox of this agent runs, but safe at any time: copies being restored or held stay.
     */
    public synchronized List<String> reconcile() {
        Set<String> pinned = pinned();
        List<String> removed = new ArrayList<>();
        if (pinned == null) {
            return removed;
        }
        remover.execute(this::deleteRemovedLeftovers);
        try (Stream<Path> top = Files.list(dir)) {
            for (Path p : top.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(REMOVED)) {
                    continue; // the remover's, or a crash's: see below
                }
                for (Path ws : children(p)) {
                    for (Path entry : children(ws)) {
                        String name = dir.relativize(entry).toString();
                        if (keep(name, entry, pinned)) {
                            continue;
                        }
                        removed.add(name);
                        deleteQuietly(entry);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the base copies in {}: {}", dir, e.getMessage());
        }
        if (!removed.isEmpty()) {
            LOG.info("removed {} base copies no sandbox or workspace uses: {}", removed.size(), removed);
        }
        return removed;
    }

    private boolean keep(String name, Path entry, Set<String> pinned) {
        Copy copy = copies.get(name);
        if (copy != null) {
            return true;
        }
        String file = entry.getFileName().toString();
        int restore = file.indexOf(".restore-");
        if (file.startsWith(".") && restore > 0) { // a restore's temp dir: kept while that restore runs
            Copy restoring = copies.get(dir.relativize(entry.getParent()).resolve(file.substring(1, restore)).toString());
            return restoring != null && !restoring.ready.isDone();
        }
        if (pinned.contains(name) && Files.isDirectory(entry)) {
            Copy kept = new Copy(name);
            try {
                kept.bytes = DirectoryTree.sizeBytes(entry);
            } catch (IOException e) {
                kept.bytes = -1;
            }
            kept.ready.complete(null);
            copies.put(name, kept);
            return true;
        }
        return false;
    }

    /** Deletes the renamed-away copies no removal is deleting now (runs on the remover, after those). */
    private void deleteRemovedLeftovers() {
        try (Stream<Path> top = Files.list(dir)) {
            top.filter(p -> p.getFileName().toString().startsWith(REMOVED)).forEach(BaseCache::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.getMessage());
        }
    }

    private static List<Path> children(Path p) throws IOException {
        if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.toList();
        }
    }

    /** Bytes of the files in the copies of {@code ws}'s snapshots on this host. */
    public synchronized long bytes(StoredWorkspace ws) {
        String prefix = ws.owner() + "/" + ws.name() + "/";
        return copies.values().stream().filter(c -> c.name.startsWith(prefix) && c.ready.isDone())
                .mapToLong(c -> Math.max(0, c.bytes)).sum();
    }

    /** The copies there are now (being restored included), by name, with how many containers hold each. */
    public synchronized Map<String, Integer> copies() {
        Map<String, Integer> out = new HashMap<>();
        copies.values().forEach(c -> out.put(c.name, c.users));
        return out;
    }

    private static void deleteQuietly(Path path) {
        try {
            DirectoryTree.delete(path);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}; the next start tries again", path, e.getMessage());
        }
    }

    /** Waits (bounded) for the removals under way, then undoes the mount. */
    @Override
    public void close() {
        remover.shutdown();
        try {
            if (!remover.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("base copies still being deleted after {}; the next start finishes", CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (mount != null) {
            mount.release();
        }
    }
}
