package dev.mags.agent;

import dev.mags.agent.sandbox.Container;
import dev.mags.agent.sandbox.SandboxHooks.FinalSync;
import dev.mags.agent.workspace.BaseCache;
import dev.mags.agent.workspace.LiveWorkspace;
import dev.mags.agent.workspace.WorkspaceBackup;
import dev.mags.agent.workspace.WorkspaceDisks;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.SyncProgress;
import dev.mags.protocol.v2.SyncResult;
import dev.mags.protocol.v2.WorkspaceInfo;
import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.protocol.v2.WorkspaceMount;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workspace disks of this agent and the sandboxes on them: a sandbox on a workspace holds its disk (one at a
 * time), a stored workspace is restored first when the host has no copy, synced periodically while the sandbox
 * lives and finally when it ends (unless its stop says not to); syncs at rest, resizes and deletes of idle disks.
 * What happens to one workspace (an open, a delete, a resize, a sync at rest) happens one at a time.
 */
final class WorkspaceSandboxes {
    private static final Logger log = LoggerFactory.getLogger(WorkspaceSandboxes.class);

    private final WorkspaceDisks disks;
    /** Null when the agent has no workspace storage: stored workspaces are refused then. */
    private final WorkspaceBackup backup;
    private final BaseCache bases;
    private final ScheduledExecutorService timers;
    private final Map<WorkspaceKey, Object> monitors = new ConcurrentHashMap<>();
    private final Map<WorkspaceKey, LiveWorkspace> live = new ConcurrentHashMap<>();
    /** Syncs at rest in progress (a live workspace reports its own). */
    private final Map<WorkspaceKey, SyncProgress> resting = new ConcurrentHashMap<>();

    WorkspaceSandboxes(WorkspaceDisks disks, WorkspaceBackup backup, BaseCache bases, ScheduledExecutorService timers) {
        this.disks = disks;
        this.backup = backup;
        this.bases = bases;
        this.timers = timers;
    }

    private Object monitor(WorkspaceKey key) {
        return monitors.computeIfAbsent(key, k -> new Object());
    }

    private WorkspaceBackup requireBackup() {
        if (backup == null) {
            throw new AgentException(AgentErrorCode.STORAGE_FAILED, "this agent has no workspace storage configured");
        }
        return backup;
    }

    /**
     * Opens the disk of {@code spec}'s workspace for a new sandbox: holds it, restores a stored one the host has
     * no copy of, builds the container with {@code build} and starts its periodic sync.
     *
     * @throws AgentException WORKSPACE_BUSY while another sandbox uses the disk; nothing is held then
     */
    LiveWorkspace open(SandboxSpec spec, Function<WorkspaceKey, Container> build) {
        WorkspaceMount mount = spec.workspace();
        WorkspaceKey key = mount.key();
        if (mount.stored() != null) {
            requireBackup();
        }
        synchronized (monitor(key)) {
            WorkspaceDisks.Hold hold = disks.hold(key);
            try {
                if (mount.stored() != null && disks.exists(key) && copyBehind(key, mount.stored())) {
                    // another host ran the workspace since this copy was made: it starts from the latest snapshot
                    log.warn("workspace {} ({}): this host's copy is older than its latest snapshot; it is replaced by "
                            + "the latest", key, mount.stored());
                    disks.discardDisk(key);
                }
                if (mount.stored() != null && !disks.exists(key)) {
                    boolean restored = disks.restore(key, mount.stored(), spec.limits().diskBytes(), backup);
                    log.info("workspace {} ({}): {}", key, mount.stored(), restored ? "restored from its latest snapshot"
                            : "no snapshot yet, starting empty");
                }
                LiveWorkspace ws = new LiveWorkspace(mount, hold, build.apply(key));
                live.put(key, ws);
                if (backup != null && mount.stored() != null) {
                    long period = backup.syncInterval().toMillis();
                    ws.periodic(timers.scheduleWithFixedDelay(() -> periodicSync(ws), period, period, TimeUnit.MILLISECONDS));
                }
                return ws;
            } catch (RuntimeException e) {
                hold.close();
                throw e;
            }
        }
    }

    /**
     * Whether the copy on this host is older than the workspace's latest snapshot; with storage unreachable the
     * copy is used (it is the newest this host can have, and its syncs are checked again when storage is back).
     */
    private boolean copyBehind(WorkspaceKey key, dev.mags.protocol.v2.StoredWorkspace stored) {
        try {
            return backup.copyBehind(stored);
        } catch (AgentException e) {
            log.warn("workspace {} ({}): cannot compare this host's copy with its latest snapshot; using the copy: {}",
                    key, stored, e.getMessage());
            return false;
        }
    }

    private void periodicSync(LiveWorkspace ws) {
        try {
            ws.trySync(backup).ifPresent(r -> log.debug("workspace {} synced: snapshot {}", ws.mount().key(), r.snapshotId()));
        } catch (AgentException e) {
            log.warn("periodic sync of workspace {} failed (its files stay on this host; the next sync retries): {}",
                    ws.mount().key(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("periodic sync of workspace {} failed", ws.mount().key(), e);
        }
    }

    /** The sandbox's processes are gone: its final sync, when asked and the workspace is stored. */
    FinalSync finish(LiveWorkspace ws, boolean sync) {
        try {
            return new FinalSync(ws.finish(backup, sync), null);
        } catch (RuntimeException e) {
            log.warn("final sync of workspace {} failed; its files stay on this host: {}", ws.mount().key(), e.getMessage());
            return new FinalSync(null, e.getMessage());
        }
    }

    /** The sandbox is released: the disk is free for the next one. */
    void closed(LiveWorkspace ws) {
        live.remove(ws.mount().key(), ws);
        ws.close();
    }

    List<WorkspaceInfo> list() {
        return disks.list().stream()
                .map(w -> new WorkspaceInfo(w.key(), w.diskBytes(), w.usedBytes(), live.containsKey(w.key())))
                .toList();
    }

    void delete(WorkspaceKey key) {
        synchronized (monitor(key)) {
            if (live.containsKey(key)) {
                throw new AgentException(AgentErrorCode.WORKSPACE_BUSY, "workspace " + key + " has a live sandbox; end it first");
            }
            disks.delete(key);
            bases.sweep(); // a fork's base goes with its last fork
        }
    }

    SyncResult sync(WorkspaceKey key, StoredWorkspace stored) {
        WorkspaceBackup storage = requireBackup();
        LiveWorkspace ws = live.get(key);
        if (ws != null) {
            try {
                return ws.sync(storage, ws.mount().stored() != null ? ws.mount().stored() : stored);
            } catch (AgentException e) {
                if (e.code() != AgentErrorCode.NOT_FOUND || !ws.ended()) {
                    throw e;
                }
                // it ended while we asked: sync what it left on the disk
            }
        }
        synchronized (monitor(key)) {
            try {
                return disks.syncAtRest(key, stored, storage, p -> resting.put(key, p));
            } finally {
                resting.remove(key);
            }
        }
    }

    Optional<SyncProgress> progress(WorkspaceKey key) {
        LiveWorkspace ws = live.get(key);
        Optional<SyncProgress> running = ws == null ? Optional.empty() : ws.progress();
        return running.isPresent() ? running : Optional.ofNullable(resting.get(key));
    }

    void resize(WorkspaceKey key, long diskBytes) {
        synchronized (monitor(key)) {
            if (live.containsKey(key)) {
                throw new AgentException(AgentErrorCode.WORKSPACE_BUSY, "workspace " + key + " has a live sandbox; end it first");
            }
            disks.resize(key, diskBytes);
        }
    }

    /** The limits of each live sandbox on a workspace's disk. */
    Map<WorkspaceKey, SandboxLimits> liveLimits() {
        Map<WorkspaceKey, SandboxLimits> out = new HashMap<>();
        live.forEach((key, ws) -> out.put(key, ws.container().shape().limits()));
        return out;
    }

    /** The disks live sandboxes use (they may still grow). */
    List<Path> liveDisks() {
        return live.keySet().stream().map(disks::diskImage).toList();
    }
}
