package dev.mags.controlplane.workspace;

import dev.mags.api.WorkspaceInfo;
import dev.mags.api.WorkspaceList;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.state.WorkspaceRecord;
import dev.mags.controlplane.state.WorkspaceStore;
import dev.mags.protocol.v1.Agent;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;

/** What the REST API does with workspaces: list a user's, delete one. Every lookup is scoped by the user. */
public final class WorkspaceService {
    private final WorkspaceStore store;
    private final WorkspaceLocks locks;
    private final Agent agent;

    public WorkspaceService(WorkspaceStore store, WorkspaceLocks locks, Agent agent) {
        this.store = store;
        this.locks = locks;
        this.agent = agent;
    }

    public WorkspaceList list(Principal who) {
        return new WorkspaceList(store.list(who.userId()).stream()
                .map(w -> new WorkspaceInfo(w.name(), false, w.createdAt(), w.lastUsedAt()))
                .toList());
    }

    /**
     * Deletes the workspace's data on the agent, then its row.
     *
     * @throws NotFoundException when the caller has no workspace of that name (another user's is not theirs)
     * @throws ConflictException while a job runs in it or waits for it
     */
    public void delete(Principal who, String name) {
        WorkspaceRecord ws = store.find(who.userId(), name)
                .orElseThrow(() -> new NotFoundException("workspace_not_found", "no workspace named '" + name + "'"));
        if (store.activeJobs(who.userId(), name) > 0 || !locks.tryAcquire(ws.agentKey())) {
            throw busy(name);
        }
        try {
            agent.deleteWorkspace(ws.agentKey());
            store.delete(who.userId(), name);
        } catch (AgentException e) {
            if (e.code() == AgentErrorCode.WORKSPACE_BUSY) {
                throw busy(name);
            }
            throw e;
        } finally {
            locks.release(ws.agentKey());
        }
    }

    private static ConflictException busy(String name) {
        return new ConflictException("workspace_busy", "workspace '" + name
                + "' has a job running or waiting in it; stop the job or wait until it ends, then delete the workspace");
    }
}
