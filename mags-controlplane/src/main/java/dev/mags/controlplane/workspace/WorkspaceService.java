package dev.mags.controlplane.workspace;

import dev.mags.api.SyncProgressInfo;
import dev.mags.api.WorkspaceInfo;
import dev.mags.api.WorkspaceList;
import dev.mags.api.WorkspaceSync;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.state.WorkspaceRecord;
import dev.mags.controlplane.state.WorkspaceStore;
import dev.mags.protocol.v1.Agent;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.SandboxLimits;
import dev.mags.protocol.v1.StoredWorkspace;
import dev.mags.protocol.v1.StoredWorkspaceInfo;
import dev.mags.protocol.v1.SyncResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the REST API does with workspaces: list, show, sync, end the live sandbox, resize, delete. Every
 * lookup is scoped by the user: another user's workspace of the same name is a different workspace.
 */
public final class WorkspaceService {
    private final WorkspaceStore store;
    private final WorkspaceLocks locks;
    private final Agent agent;
    private final long maxDiskBytes;

    public WorkspaceService(WorkspaceStore store, WorkspaceLocks locks, Agent agent, long maxDiskBytes) {
        this.store = store;
        this.locks = locks;
        this.agent = agent;
        this.maxDiskBytes = maxDiskBytes;
    }

    /** The identity of a user's workspace in storage. */
    public static StoredWorkspace stored(String userId, String name) {
        return new StoredWorkspace(userId, name);
    }

    public WorkspaceList list(Principal who) {
        List<WorkspaceRecord> rows = store.list(who.userId());
        Map<String, StoredWorkspaceInfo> stored = rows.stream().anyMatch(WorkspaceRecord::persistent)
                ? storedInfo(who.userId()) : Map.of();
        Map<String, dev.mags.protocol.v1.WorkspaceInfo> local = agent.workspaces().stream()
                .collect(Collectors.toMap(dev.mags.protocol.v1.WorkspaceInfo::key, Function.identity(), (a, b) -> a));
        return new WorkspaceList(rows.stream().map(w -> view(w, stored.get(w.name()), local.get(w.agentKey()))).toList());
    }

    public WorkspaceInfo show(Principal who, String name) {
        WorkspaceRecord w = find(who, name);
        StoredWorkspaceInfo s = w.persistent() ? storedInfo(who.userId()).get(name) : null;
        var local = agent.workspaces().stream().filter(l -> l.key().equals(w.agentKey())).findFirst().orElse(null);
        return view(w, s, local);
    }

    private Map<String, StoredWorkspaceInfo> storedInfo(String userId) {
        try {
            return agent.storedWorkspaces(userId).stream()
                    .collect(Collectors.toMap(s -> s.workspace().name(), Function.identity(), (a, b) -> a));
        } catch (AgentException e) {
            throw AgentFailures.of(e);
        }
    }

    private WorkspaceInfo view(WorkspaceRecord w, StoredWorkspaceInfo s, dev.mags.protocol.v1.WorkspaceInfo local) {
        SyncProgressInfo progress = agent.syncProgress(w.agentKey())
                .map(p -> new SyncProgressInfo(p.phase(), p.filesDone(), p.filesTotal(), p.bytesDone(), p.bytesTotal()))
                .orElse(null);
        return new WorkspaceInfo(w.name(), w.persistent(), w.createdAt(), w.lastUsedAt(),
                s == null ? null : s.bytes(), s == null ? null : s.files(), s == null ? null : s.lastSyncAt(),
                w.persistent() ? (s == null ? 0 : s.snapshots()) : null, w.baseWorkspaceId(),
                local == null ? w.diskBytes() : Long.valueOf(local.diskBytes()), local != null && local.liveSandbox(),
                progress, s == null ? null : s.baseCopyBytes());
    }

    /**
     * Syncs a persistent workspace now, from its live sandbox or from its disk on this server.
     *
     * @throws ConflictException for a local workspace, UnavailableException when storage fails
     */
    public WorkspaceSync sync(Principal who, String name) {
        WorkspaceRecord w = find(who, name);
        if (!w.persistent()) {
            throw new ConflictException("workspace_not_persistent", "workspace '" + name
                    + "' is local to this server and never synced; run it with -p (persistent) to keep it in storage");
        }
        StoredWorkspace ws = stored(who.userId(), name);
        try {
            return view(name, agent.syncWorkspace(w.agentKey(), ws));
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.NOT_FOUND) {
                // Nothing of it on this server: its latest snapshot is all there is.
                StoredWorkspaceInfo latest = storedInfo(who.userId()).get(name);
                if (latest != null) {
                    return new WorkspaceSync(name, latest.latestSnapshot(), latest.lastSyncAt(), latest.files(),
                            latest.bytes(), 0, 0, true);
                }
                throw new NotFoundException("workspace_not_found", "workspace '" + name + "' has no files yet");
            }
            throw AgentFailures.of(e);
        }
    }

    private static WorkspaceSync view(String name, SyncResult r) {
        return new WorkspaceSync(name, r.snapshotId(), r.syncedAt(), r.files(), r.bytes(), r.bytesUploaded(),
                r.duration().toMillis(), r.unchanged());
    }

    /**
     * Ends the workspace's live sandbox (a persistent workspace is synced first). Jobs running in it must
     * have been stopped by the caller. Returns the final sync, if one was made.
     */
    public Optional<WorkspaceSync> endSandbox(WorkspaceRecord w) {
        try {
            return agent.endWorkspaceSandbox(w.agentKey()).map(r -> view(w.name(), r));
        } catch (AgentException e) {
            throw AgentFailures.of(e);
        }
    }

    /**
     * Grows the workspace's disk: its live sandbox ends first (synced if persistent), so the next run
     * starts a new sandbox on the bigger disk.
     */
    public WorkspaceInfo resize(Principal who, String name, Integer diskGb) {
        WorkspaceRecord w = find(who, name);
        long maxGb = maxDiskBytes / SandboxLimits.GIB;
        if (diskGb == null || diskGb < 1 || diskGb > maxGb) {
            throw new BadRequestException("invalid_field", "'disk_gb' must be between 1 and " + maxGb + " (got " + diskGb + ")");
        }
        long bytes = diskGb * SandboxLimits.GIB;
        if (store.activeJobs(who.userId(), name) > 0 || !locks.tryAcquire(w.agentKey())) {
            throw busy(name);
        }
        try {
            endSandbox(w);
            boolean hasDisk = agent.workspaces().stream().anyMatch(l -> l.key().equals(w.agentKey()));
            if (hasDisk) {
                agent.resizeWorkspace(w.agentKey(), bytes);
            }
            store.setDiskBytes(who.userId(), name, bytes);
        } catch (AgentException e) {
            throw AgentFailures.of(e);
        } finally {
            locks.release(w.agentKey());
        }
        return show(who, name);
    }

    /**
     * Ends the workspace's sandbox, deletes its data on this server and its snapshots in storage (their
     * chunks go with the next garbage collection unless other snapshots use them), then its row.
     *
     * @throws NotFoundException when the caller has no workspace of that name (another user's is not theirs)
     * @throws ConflictException while a job runs in it or waits for it
     */
    public void delete(Principal who, String name) {
        WorkspaceRecord ws = find(who, name);
        if (store.activeJobs(who.userId(), name) > 0 || !locks.tryAcquire(ws.agentKey())) {
            throw busy(name);
        }
        try {
            agent.endWorkspaceSandbox(ws.agentKey());
        } catch (AgentException e) {
            if (e.code() != AgentErrorCode.STORAGE_FAILED) { // a failed final sync does not matter: it is deleted next
                throw AgentFailures.of(e);
            }
        }
        try {
            agent.deleteWorkspace(ws.agentKey());
            if (ws.persistent()) {
                agent.deleteStoredWorkspace(stored(who.userId(), name));
            }
            store.delete(who.userId(), name);
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.WORKSPACE_BUSY) {
                throw busy(name);
            }
            throw AgentFailures.of(e);
        } finally {
            locks.release(ws.agentKey());
        }
    }

    public WorkspaceRecord find(Principal who, String name) {
        return store.find(who.userId(), name)
                .orElseThrow(() -> new NotFoundException("workspace_not_found", "no workspace named '" + name + "'"));
    }

    private static ConflictException busy(String name) {
        return new ConflictException("workspace_busy", "workspace '" + name
                + "' has a job running or waiting in it; stop the job or wait until it ends, then try again");
    }
}
