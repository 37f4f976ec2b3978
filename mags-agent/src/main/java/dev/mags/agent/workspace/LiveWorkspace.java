package dev.mags.agent.workspace;

import dev.mags.agent.sandbox.Container;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.SyncProgress;
import dev.mags.protocol.v2.SyncResult;
import dev.mags.protocol.v2.WorkspaceMount;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A workspace whose sandbox is up: the container on the workspace's disk, the hold that keeps other sandboxes
 * off that disk, and its syncs. One sync at a time: the final sync waits for a periodic one, and once it has run
 * no sync starts any more, so a sync never reads a disk that is being unmounted.
 */
public final class LiveWorkspace {
    private final WorkspaceMount mount;
    private final WorkspaceDisks.Hold hold;
    private final Container container;
    private final ReentrantLock syncLock = new ReentrantLock();
    private volatile SyncProgress progress;
    private volatile ScheduledFuture<?> periodic;
    private volatile boolean ended;

    public LiveWorkspace(WorkspaceMount mount, WorkspaceDisks.Hold hold, Container container) {
        this.mount = Objects.requireNonNull(mount, "mount");
        this.hold = hold;
        this.container = container;
    }

    public WorkspaceMount mount() {
        return mount;
    }

    public Container container() {
        return container;
    }

    public Optional<SyncProgress> progress() {
        return Optional.ofNullable(progress);
    }

    public void periodic(ScheduledFuture<?> task) {
        this.periodic = task;
    }

    public boolean ended() {
        return ended;
    }

    /**
     * Syncs the container's writable layer as a snapshot of {@code stored}, waiting for a sync in progress first.
     *
     * @throws AgentException NOT_FOUND when the sandbox has ended meanwhile, STORAGE_FAILED from storage
     */
    public SyncResult sync(WorkspaceBackup backup, StoredWorkspace stored) {
        syncLock.lock();
        try {
            return syncLocked(backup, stored);
        } finally {
            syncLock.unlock();
        }
    }

    /** A periodic sync: skipped when another sync runs (the next period comes soon enough). */
    public Optional<SyncResult> trySync(WorkspaceBackup backup) {
        StoredWorkspace stored = mount.stored();
        if (stored == null || !syncLock.tryLock()) {
            return Optional.empty();
        }
        try {
            return ended ? Optional.empty() : Optional.of(syncLocked(backup, stored));
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * The sandbox's processes are gone: syncs a stored workspace one last time when {@code sync} (and storage is
     * there), then takes no sync any more. Returns the snapshot, or null when none was made.
     *
     * @throws AgentException STORAGE_FAILED from storage (the disk keeps the files)
     */
    public SyncResult finish(WorkspaceBackup backup, boolean sync) {
        syncLock.lock();
        try {
            SyncResult last = sync && backup != null && mount.stored() != null && !ended
                    ? syncLocked(backup, mount.stored()) : null;
            ended = true;
            return last;
        } finally {
            ended = true;
            syncLock.unlock();
        }
    }

    private SyncResult syncLocked(WorkspaceBackup backup, StoredWorkspace stored) {
        if (ended) {
            throw new AgentException(AgentErrorCode.NOT_FOUND, "the sandbox of workspace " + stored.name() + " has ended");
        }
        try {
            return backup.sync(stored, container.paths().upper(), p -> progress = p);
        } finally {
            progress = null;
        }
    }

    /** Stops the periodic sync and gives the workspace back; the container is released by whoever ended it. */
    public void close() {
        syncLock.lock();
        try {
            ended = true;
        } finally {
            syncLock.unlock();
        }
        ScheduledFuture<?> task = periodic;
        if (task != null) {
            task.cancel(false);
        }
        hold.close();
    }
}
