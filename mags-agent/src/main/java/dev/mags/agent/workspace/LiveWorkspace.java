package dev.mags.agent.workspace;

import dev.mags.agent.sandbox.Container;
import dev.mags.agent.sandbox.LocalSandbox;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.StoredWorkspace;
import dev.mags.protocol.v1.SyncProgress;
import dev.mags.protocol.v1.SyncResult;
import dev.mags.protocol.v1.WorkspaceRef;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A workspace whose sandbox is up: the container on the workspace's disk, the hold that keeps other
 * sandboxes off that disk, the command running in it (none while a persistent sandbox idles), and its
 * syncs. One sync at a time: the final sync waits for a periodic one, and the container is released only
 * after the final sync, so a sync never reads a disk that is being unmounted.
 */
public final class LiveWorkspace {
    private final WorkspaceDisks.Hold hold;
    private final Container container;
    private final ReentrantLock syncLock = new ReentrantLock();
    private volatile WorkspaceRef ref;
    private volatile LocalSandbox current;
    private volatile SyncProgress progress;
    private volatile SyncResult lastSync;
    /** Why the final sync failed; null when it succeeded or has not run. */
    private volatile String finalSyncFailure;
    private volatile ScheduledFuture<?> periodic;
    private volatile boolean ended;

    public LiveWorkspace(WorkspaceRef ref, WorkspaceDisks.Hold hold, Container container) {
        this.ref = Objects.requireNonNull(ref, "ref");
        this.hold = hold;
        this.container = container;
    }

    public WorkspaceRef ref() {
        return ref;
    }

    /** A later launch may turn a local workspace into a stored one, or change whether its sandbox stays. */
    public void update(WorkspaceRef newRef) {
        this.ref = newRef.stored() == null && ref.stored() != null
                ? new WorkspaceRef(newRef.key(), ref.stored(), newRef.keepAlive())
                : newRef;
    }

    public Container container() {
        return container;
    }

    /** The sandbox whose command runs in the container now; null while it idles. */
    public LocalSandbox current() {
        return current;
    }

    public void running(LocalSandbox sandbox) {
        this.current = sandbox;
    }

    public Optional<SyncProgress> progress() {
        return Optional.ofNullable(progress);
    }

    public SyncResult lastSync() {
        return lastSync;
    }

    public String finalSyncFailure() {
        return finalSyncFailure;
    }

    public void finalSyncFailed(String why) {
        this.finalSyncFailure = why;
    }

    public void periodic(ScheduledFuture<?> task) {
        this.periodic = task;
    }

    public boolean ended() {
        return ended;
    }

    /**
     * Syncs the container's writable layer, waiting for a sync in progress to finish first.
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
        StoredWorkspace stored = ref.stored();
        if (stored == null || !syncLock.tryLock()) {
            return Optional.empty();
        }
        try {
            return ended ? Optional.empty() : Optional.of(syncLocked(backup, stored));
        } finally {
            syncLock.unlock();
        }
    }

    private SyncResult syncLocked(WorkspaceBackup backup, StoredWorkspace stored) {
        if (ended) {
            throw new AgentException(AgentErrorCode.NOT_FOUND, "the sandbox of workspace " + stored.name() + " has ended");
        }
        try {
            SyncResult result = backup.sync(stored, container.paths().upper(), p -> progress = p);
            lastSync = result;
            return result;
        } finally {
            progress = null;
        }
    }

    /**
     * Marks the sandbox ended (no sync starts after this returns), stops the periodic sync and gives the
     * workspace back. The container is released by whoever ended it.
     */
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
