package dev.mags.storage;

import dev.mags.storage.gc.GarbageCollector;
import dev.mags.storage.gc.GcReport;
import dev.mags.storage.history.SnapshotHistory;
import dev.mags.storage.history.SnapshotSummary;
import dev.mags.storage.history.WorkspaceSummary;
import dev.mags.storage.index.LocalIndexStore;
import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.lock.Leases;
import dev.mags.storage.object.ObjectStore;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.restore.RestoreInfo;
import dev.mags.storage.restore.SnapshotReader;
import dev.mags.storage.sync.FileOpener;
import dev.mags.storage.sync.SnapshotInfo;
import dev.mags.storage.sync.SnapshotWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server calls: sync, restore, history, retention, deletion and garbage collection of workspaces,
 * over any {@link ObjectStore}. Thread-safe; a workspace must have at most one sync at a time (the server
 * guarantees one live sandbox per workspace), different workspaces sync concurrently.
 */
public final class WorkspaceStorage {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceStorage.class);

    private final SnapshotWriter writer;
    private final SnapshotReader reader;
    private final SnapshotHistory history;
    private final GarbageCollector collector;
    private final LocalIndexStore indexes;
    private final StorageSettings settings;

    public WorkspaceStorage(ObjectStore store, StorageSettings settings) {
        this(store, settings, FileOpener.DEFAULT, Clock.systemUTC());
    }

    /** With a file opener seam (tests count opens) and a clock. */
    public WorkspaceStorage(ObjectStore store, StorageSettings settings, FileOpener opener, Clock clock) {
        Leases leases = new Leases(store, settings.leases());
        this.indexes = new LocalIndexStore(settings.stateDir());
        this.writer = new SnapshotWriter(store, leases, indexes, settings.sync(), opener, clock);
        this.reader = new SnapshotReader(store, indexes, settings.sync().parallelism());
        this.history = new SnapshotHistory(store);
        this.collector = new GarbageCollector(store, leases, settings.gcGrace());
        this.settings = settings;
    }

    /**
     * Syncs {@code dir} (a sandbox's overlay upper dir) as a new snapshot of {@code ref}, then applies
     * retention. Returns only after the manifest is committed; throws otherwise, and then the previous
     * snapshot is still the latest.
     */
    public SnapshotInfo sync(Path dir, WorkspaceRef ref, ProgressListener listener) {
        SnapshotInfo info = writer.sync(dir, ref, listener);
        try {
            history.retain(ref, settings.keepLast());
        } catch (RuntimeException e) {
            LOG.warn("snapshot {} of {} is committed, but retention failed (it runs again after the next sync): {}",
                    info.id(), ref, e.getMessage());
        }
        return info;
    }

    /** Restores a snapshot (empty: the latest) to {@code target}, which must not exist yet. */
    public RestoreInfo restore(WorkspaceRef ref, Optional<SnapshotId> snapshot, Path target, ProgressListener listener) {
        return reader.restore(ref, snapshot, target, listener);
    }

    /** The workspace's snapshots, oldest first. */
    public List<SnapshotSummary> snapshots(WorkspaceRef ref) {
        return history.list(ref);
    }

    public Optional<SnapshotId> latest(WorkspaceRef ref) {
        return history.latest(ref);
    }

    /**
     * Whether this host's copy of the workspace is older than its latest snapshot: its local index (what the copy
     * was restored from or last synced as) names an older snapshot, or none while the workspace has one. Such a
     * copy is discarded and the latest restored; a sync of it would be refused ({@code SNAPSHOT_CONFLICT}).
     */
    public boolean copyBehind(WorkspaceRef ref) {
        Optional<SnapshotId> latest = history.latest(ref);
        if (latest.isEmpty()) {
            return false;
        }
        Optional<String> parent = indexes.load(ref).snapshot();
        return parent.isEmpty() || new SnapshotId(parent.get()).compareTo(latest.get()) < 0;
    }

    /** The owner's workspaces that have at least one snapshot. */
    public List<WorkspaceSummary> workspaces(String owner) {
        return history.workspaces(owner);
    }

    /** Keeps the newest {@code keepLast} snapshots; returns the ones deleted. */
    public List<SnapshotId> retain(WorkspaceRef ref, int keepLast) {
        return history.retain(ref, keepLast);
    }

    /**
     * Deletes all snapshots of the workspace and its local index; its chunks go with the next garbage
     * collection unless another snapshot uses them. Returns how many snapshots were deleted.
     */
    public int deleteWorkspace(WorkspaceRef ref) {
        int n = history.deleteWorkspace(ref);
        indexes.delete(ref);
        return n;
    }

    /** Removes chunks no snapshot references; safe while syncs run on any host. */
    public GcReport collectGarbage() {
        return collector.collect();
    }
}
