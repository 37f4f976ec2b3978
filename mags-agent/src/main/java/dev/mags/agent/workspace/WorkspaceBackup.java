package dev.mags.agent.workspace;

import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseLayer;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.SyncProgress;
import dev.mags.protocol.v2.SyncResult;
import dev.mags.storage.WorkspaceStorage;
import dev.mags.storage.error.NotFoundException;
import dev.mags.storage.error.StorageException;
import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.progress.Progress;
import dev.mags.storage.sync.SnapshotInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The agent's side of workspace storage: syncs a writable layer as a snapshot, restores the latest
 * snapshot into a fresh layer, restores base snapshots for {@code --base} (kept by {@link BaseCache}), and
 * turns storage failures into {@link AgentException}s with code STORAGE_FAILED (or NOT_FOUND).
 *
 * @param storage      snapshots in S3
 * @param basesDir     where {@link BaseCache} keeps restored base snapshots, {@code <basesDir>/<owner>/<name>/<snapshot>/}
 * @param syncInterval how often a live sandbox of a stored workspace is synced
 * @param meters       where each sync's time and result go
 */
public record WorkspaceBackup(WorkspaceStorage storage, Path basesDir, Duration syncInterval, SyncMeters meters) {
    public WorkspaceBackup {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(basesDir, "basesDir");
        Objects.requireNonNull(meters, "meters");
        if (syncInterval == null || syncInterval.isZero() || syncInterval.isNegative()) {
            throw new IllegalArgumentException("syncInterval must be positive, not " + syncInterval);
        }
    }

    /** A backup whose syncs are timed into meters nobody reads. */
    public WorkspaceBackup(WorkspaceStorage storage, Path basesDir, Duration syncInterval) {
        this(storage, basesDir, syncInterval, SyncMeters.unread());
    }

    /** Syncs {@code upper} (an overlay writable layer) as a new snapshot of {@code ws}. */
    public SyncResult sync(StoredWorkspace ws, Path upper, Consumer<SyncProgress> progress) {
        SnapshotInfo info = meters.time(() -> call(ws, "sync",
                () -> storage.sync(upper, ref(ws), p -> progress.accept(view(p)))));
        return new SyncResult(ws, info.id().value(), Instant.now(), info.files(), info.bytes(), info.bytesUploaded(),
                info.duration(), info.unchanged());
    }

    /** Whether this host's copy of {@code ws} is older than its latest snapshot (another host ran it since). */
    public boolean copyBehind(StoredWorkspace ws) {
        return call(ws, "look up", () -> storage.copyBehind(ref(ws)));
    }

    /**
     * Restores the latest snapshot of {@code ws} to {@code target}, which must not exist. Returns false,
     * creating nothing, when the workspace has no snapshot.
     */
    public boolean restoreLatest(StoredWorkspace ws, Path target) {
        Optional<SnapshotId> latest = call(ws, "look up", () -> storage.latest(ref(ws)));
        if (latest.isEmpty()) {
            return false;
        }
        call(ws, "restore", () -> storage.restore(ref(ws), latest, target, p -> { }));
        return true;
    }

    /**
     * Restores the base snapshot {@code layer} to {@code target}, which must not exist (the restore builds the
     * tree beside it and renames it into place, so a crash leaves no half base); returns the bytes of its files.
     */
    public long restoreBase(BaseLayer layer, Path target) {
        StoredWorkspace ws = layer.workspace();
        SnapshotId id = call(ws, "read", () -> new SnapshotId(layer.snapshotId()));
        return call(ws, "restore the base snapshot of", () -> storage.restore(ref(ws), Optional.of(id), target, p -> { }))
                .bytes();
    }

    private static WorkspaceRef ref(StoredWorkspace ws) {
        return WorkspaceRef.of(ws.owner(), ws.name());
    }

    private static SyncProgress view(Progress p) {
        return new SyncProgress(p.phase().name().toLowerCase(java.util.Locale.ROOT), p.filesDone(), p.filesTotal(),
                p.bytesDone(), p.bytesTotal());
    }

    private static <T> T call(StoredWorkspace ws, String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (NotFoundException e) {
            throw new AgentException(AgentErrorCode.NOT_FOUND, e.getMessage(), e);
        } catch (StorageException e) {
            String subject = ws == null ? "workspaces" : "workspace " + ws.name();
            throw new AgentException(AgentErrorCode.STORAGE_FAILED, "could not " + what + " " + subject
                    + " in workspace storage: " + e.getMessage(), e);
        }
    }
}
