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
import dev.mags.controlplane.error.UnavailableException;
import dev.mags.controlplane.placement.AgentDirectory;
import dev.mags.controlplane.placement.LiveSandboxes;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseCopy;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.SyncResult;
import dev.mags.protocol.v2.WorkspaceKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the REST API does with workspaces: list, show, sync, end the live sandbox, resize, delete. Every
 * lookup is scoped by the user: another user's workspace of the same name is a different workspace. What is in
 * storage comes from the {@link WorkspaceCatalog}; what is on a host (disks, live sandboxes, syncs running, base
 * copies) from the agents.
 */
public final class WorkspaceService {
    private final WorkspaceStore store;
    private final WorkspaceLocks locks;
    private final AgentDirectory agents;
    private final LiveSandboxes live;
    private final WorkspaceCatalog catalog;
    private final long maxDiskBytes;
    private final Duration stopGrace;

    public WorkspaceService(WorkspaceStore store, WorkspaceLocks locks, AgentDirectory agents, LiveSandboxes live,
            WorkspaceCatalog catalog, long maxDiskBytes, Duration stopGrace) {
        this.store = store;
        this.locks = locks;
        this.agents = agents;
        this.live = live;
        this.catalog = catalog;
        this.maxDiskBytes = maxDiskBytes;
        this.stopGrace = stopGrace;
    }

    /** The identity of a user's workspace in storage. */
    public static StoredWorkspace stored(String userId, String name) {
        return new StoredWorkspace(userId, name);
    }

    /** The workspace's key on the agents. */
    public static WorkspaceKey key(WorkspaceRecord w) {
        return WorkspaceKey.of(w.agentKey());
    }

    public WorkspaceList list(Principal who) {
        List<WorkspaceRecord> rows = store.list(who.userId());
        Map<String, StoredWorkspaceInfo> stored = rows.stream().anyMatch(WorkspaceRecord::persistent)
                ? storedInfo(who.userId()) : Map.of();
        Map<WorkspaceKey, dev.mags.protocol.v2.WorkspaceInfo> local = localDisks();
        Map<String, Long> copies = baseCopyBytes(who.userId());
        return new WorkspaceList(rows.stream().map(w -> view(w, stored.get(w.name()), local.get(key(w)),
                copies.get(w.name()))).toList());
    }

    public WorkspaceInfo show(Principal who, String name) {
        WorkspaceRecord w = find(who, name);
        StoredWorkspaceInfo s = w.persistent() ? storedInfo(who.userId()).get(name) : null;
        return view(w, s, localDisks().get(key(w)), baseCopyBytes(who.userId()).get(name));
    }

    private Map<String, StoredWorkspaceInfo> storedInfo(String userId) {
        return catalog.storedWorkspaces(userId).stream()
                .collect(Collectors.toMap(s -> s.workspace().name(), Function.identity(), (a, b) -> a));
    }

    private Map<WorkspaceKey, dev.mags.protocol.v2.WorkspaceInfo> localDisks() {
        return agents.agents().stream().flatMap(a -> a.workspaces().stream())
                .collect(Collectors.toMap(dev.mags.protocol.v2.WorkspaceInfo::key, Function.identity(), (a, b) -> a));
    }

    /** Bytes the hosts keep of the user's workspaces' snapshots as bases, by workspace name. */
    private Map<String, Long> baseCopyBytes(String userId) {
        Map<String, Long> bytes = new HashMap<>();
        for (Agent agent : agents.agents()) {
            for (BaseCopy copy : agent.baseCopies()) {
                if (copy.workspace().owner().equals(userId)) {
                    bytes.merge(copy.workspace().name(), copy.bytes(), Long::sum);
                }
            }
        }
        return bytes;
    }

    private WorkspaceInfo view(WorkspaceRecord w, StoredWorkspaceInfo s, dev.mags.protocol.v2.WorkspaceInfo local,
            Long copyBytes) {
        SyncProgressInfo progress = agents.agents().stream().map(a -> a.syncProgress(key(w))).flatMap(Optional::stream)
                .findFirst()
                .map(p -> new SyncProgressInfo(p.phase(), p.filesDone(), p.filesTotal(), p.bytesDone(), p.bytesTotal()))
                .orElse(null);
        return new WorkspaceInfo(w.name(), w.persistent(), w.createdAt(), w.lastUsedAt(),
                s == null ? null : s.bytes(), s == null ? null : s.files(), s == null ? null : s.lastSyncAt(),
                w.persistent() ? (s == null ? 0 : s.snapshots()) : null, w.baseWorkspaceId(),
                local == null ? w.diskBytes() : Long.valueOf(local.diskBytes()), local != null && local.liveSandbox(),
                progress, s == null ? null : copyBytes == null ? 0L : copyBytes);
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
            Agent agent = agents.keeping(key(w)).orElseThrow(() -> new AgentException(AgentErrorCode.NOT_FOUND,
                    "no host keeps workspace " + name));
            return view(name, agent.syncWorkspace(key(w), ws));
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
     * Ends the workspace's live sandbox, if it has one (a persistent workspace is synced first). Jobs running in
     * it must have been stopped by the caller. Returns the final sync, if one was made.
     *
     * @throws UnavailableException when the final sync failed (the sandbox has ended; the disk keeps the files)
     */
    public Optional<WorkspaceSync> endSandbox(WorkspaceRecord w) {
        Optional<Sandbox> sandbox = live.forWorkspace(key(w));
        if (sandbox.isEmpty()) {
            return Optional.empty();
        }
        SandboxEnd end = sandbox.get().stop(stopGrace, true).join();
        live.ended(sandbox.get().id());
        if (end.syncFailure() != null) {
            throw new UnavailableException("storage_unavailable", "the sandbox of workspace " + w.agentKey()
                    + " has ended, but the final sync failed (the files stay on this host; sync again when storage is "
                    + "back): " + end.syncFailure());
        }
        return Optional.ofNullable(end.finalSync()).map(r -> view(w.name(), r));
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
            Optional<Agent> keeping = agents.keeping(key(w));
            if (keeping.isPresent()) {
                keeping.get().resizeWorkspace(key(w), bytes);
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
            try {
                endSandbox(ws);
            } catch (UnavailableException e) {
                // a failed final sync does not matter: the workspace is deleted next
            }
            for (Agent agent : agents.agents()) {
                agent.deleteWorkspace(key(ws));
            }
            if (ws.persistent()) {
                catalog.deleteStoredWorkspace(stored(who.userId(), name));
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
