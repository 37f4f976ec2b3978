package dev.mags.agent.workspace;

import dev.mags.agent.rootfs.NosuidBind;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseCopy;
import dev.mags.protocol.v2.BaseLayer;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.WorkspaceKey;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restored base snapshots ({@code --base}), each mounted read-only as a lower layer of the sandboxes built on
 * it (on disk: {@link BaseDir}). A copy is restored when a container first needs it and kept while a
 * container holds it (a lease per container id, given back when the container is released) or a workspace
 * disk on this host was forked from it (a pin, {@link WorkspaceDisks#pinBase}: the fork's next sandbox needs
 * the same snapshot, which retention may since have deleted from storage). When neither holds it, it is
 * removed at once; {@link #reconcile} removes every copy nothing holds and what a crash left. A copy is as
 * large as its snapshot's files: without this, each {@code --base} run on a new snapshot left one more
 * behind for good.
 */
public final class BaseCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BaseCache.class);
    /** The alphabet of storage's key segments (owner, name, snapshot id): never '.' first, so never a temp name. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    /** Restores a base snapshot to a target that does not exist yet; returns the bytes of its files. */
    public interface Restorer {
        long restore(BaseLayer layer, Path target);
    }

    /** One copy, restored or being restored; {@code users} is guarded by the cache. */
    private static final class Copy {
        final String name;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        volatile long bytes;
        int users;

        Copy(String name) {
            this.name = name;
        }
    }

    private final BaseDir dir;
    private final Restorer restorer;
    private final WorkspaceDisks workspaces;
    /** By name ({@code owner/name/snapshot}); only copies that exist or are being restored. */
    private final Map<String, Copy> copies = new HashMap<>();
    /** The copy each container holds. */
    private final Map<String, Copy> leases = new HashMap<>();

    /** Copies under {@code dir}, which is made root's alone (0700) and a nosuid mount through {@code mount}. */
    public BaseCache(Path dir, Restorer restorer, WorkspaceDisks workspaces, NosuidBind mount) {
        this(new BaseDir(dir, mount), restorer, workspaces);
    }

    private BaseCache(BaseDir dir, Restorer restorer, WorkspaceDisks workspaces) {
        this.dir = dir;
        this.restorer = restorer;
        this.workspaces = workspaces;
    }

    /** The cache of an agent without workspace storage: it has no bases, and refuses to restore one. */
    public static BaseCache none() {
        return new BaseCache(null, null, null);
    }

    /** The name of a base's copy: {@code owner/name/snapshot}, each a plain path segment. */
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
    public Path acquire(BaseLayer layer, String containerId, WorkspaceKey fork) {
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
        try {
            Path target = dir.prepare(name);
            if (restoreHere) {
                copy.bytes = Files.isDirectory(target) ? dir.sizeOf(target) // left by a removal that failed
                        : restore(layer, target);
                copy.ready.complete(null);
            } else {
                copy.ready.join();
            }
            if (fork != null) {
                workspaces.pinBase(fork, name);
            }
            return target;
        } catch (RuntimeException e) {
            RuntimeException failure = e instanceof CompletionException && e.getCause() instanceof RuntimeException r ? r : e;
            if (restoreHere) {
                synchronized (this) {
                    copies.remove(name, copy); // the next acquire tries again
                }
                copy.ready.completeExceptionally(failure);
            }
            release(containerId);
            throw failure;
        }
    }

    private long restore(BaseLayer layer, Path target) {
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
                copies.remove(copy.name);
                dir.remove(copy.name);
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
                copies.remove(copy.name);
                dir.remove(copy.name);
            }
        }
    }

    /**
     * Removes every copy nothing holds, the half-restored copies and the removals a crash left, and takes on
     * the copies workspace disks pin; returns the names of what it removed. Called at start, when no sandbox
     * of this agent runs, but safe at any time: copies being restored or held stay.
     */
    public synchronized List<String> reconcile() {
        Set<String> pinned = pinned();
        if (pinned == null) {
            return List.of();
        }
        List<String> removed = dir.sweep((name, entry) -> keep(name, entry, pinned));
        if (!removed.isEmpty()) {
            LOG.info("removed {} base copies no sandbox or workspace uses: {}", removed.size(), removed);
        }
        return removed;
    }

    /** Whether reconcile keeps {@code <owner>/<name>/<entry>}: a known copy, a restore under way, a pinned copy. */
    private boolean keep(String name, Path entry, Set<String> pinned) {
        if (copies.containsKey(name)) {
            return true;
        }
        String file = entry.getFileName().toString();
        int restore = file.indexOf(".restore-");
        if (file.startsWith(".") && restore > 0) { // a restore's temp dir, .<snapshot>.restore-<uuid>
            Copy restoring = copies.get(name.substring(0, name.length() - file.length()) + file.substring(1, restore));
            return restoring != null && !restoring.ready.isDone();
        }
        if (pinned.contains(name) && Files.isDirectory(entry)) {
            Copy kept = new Copy(name);
            kept.bytes = dir.sizeOf(entry);
            kept.ready.complete(null);
            copies.put(name, kept);
            return true;
        }
        return false;
    }

    /** The copies workspace disks pin, or null when they cannot be read: nothing is removed then. */
    private Set<String> pinned() {
        if (workspaces == null) {
            return null; // no storage: no copies
        }
        try {
            return workspaces.pinnedBases();
        } catch (UncheckedIOException e) {
            LOG.warn("{}; base copies are kept until it can be read", e.getMessage());
            return null;
        }
    }

    /** Bytes of the files in the copies of {@code ws}'s snapshots on this host. */
    public synchronized long bytes(StoredWorkspace ws) {
        String prefix = ws.owner() + "/" + ws.name() + "/";
        return list().stream().filter(c -> (c.workspace().owner() + "/" + c.workspace().name() + "/").equals(prefix))
                .mapToLong(BaseCopy::bytes).sum();
    }

    /** The copies restored on this host, with the bytes of their files. */
    public synchronized List<BaseCopy> list() {
        return copies.values().stream().filter(c -> c.ready.isDone() && !c.ready.isCompletedExceptionally())
                .map(c -> {
                    String[] parts = c.name.split("/");
                    return new BaseCopy(new StoredWorkspace(parts[0], parts[1]), parts[2], Math.max(0, c.bytes));
                })
                .toList();
    }

    /** The copies there are now (being restored included), by name, with how many containers hold each. */
    public synchronized Map<String, Integer> copies() {
        Map<String, Integer> out = new HashMap<>();
        copies.values().forEach(c -> out.put(c.name, c.users));
        return out;
    }

    /** Waits (bounded) for the removals under way, then undoes the directory's mount. */
    @Override
    public void close() {
        if (dir != null) {
            dir.close();
        }
    }
}
