package dev.mags.dist;

import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.error.UnavailableException;
import dev.mags.controlplane.workspace.StoredWorkspaceInfo;
import dev.mags.controlplane.workspace.WorkspaceCatalog;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.storage.WorkspaceStorage;
import dev.mags.storage.error.StorageException;
import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The control plane's catalog of stored workspaces, read from workspace storage itself (not through an agent):
 * the owner's workspaces, a workspace's latest snapshot, and the deletion of its snapshots. A failure of storage
 * is a 503 that says what could not be done.
 */
final class StorageCatalog implements WorkspaceCatalog {
    private final WorkspaceStorage storage;

    StorageCatalog(WorkspaceStorage storage) {
        this.storage = storage;
    }

    @Override
    public List<StoredWorkspaceInfo> storedWorkspaces(String owner) {
        return call("list workspaces", () -> storage.workspaces(owner)).stream()
                .map(w -> new StoredWorkspaceInfo(new StoredWorkspace(w.workspace().owner(), w.workspace().name()),
                        w.latest().value(), w.lastSync(), w.files(), w.bytes(), w.snapshots()))
                .toList();
    }

    @Override
    public Optional<String> latestSnapshot(StoredWorkspace workspace) {
        return call("look up workspace " + workspace.name(), () -> storage.latest(ref(workspace))).map(SnapshotId::value);
    }

    @Override
    public void deleteStoredWorkspace(StoredWorkspace workspace) {
        call("delete workspace " + workspace.name(), () -> storage.deleteWorkspace(ref(workspace)));
    }

    private static WorkspaceRef ref(StoredWorkspace ws) {
        return WorkspaceRef.of(ws.owner(), ws.name());
    }

    private static <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (dev.mags.storage.error.NotFoundException e) {
            throw new NotFoundException("workspace_not_found", e.getMessage());
        } catch (StorageException e) {
            throw new UnavailableException("storage_unavailable", "could not " + what + " in workspace storage: "
                    + e.getMessage());
        }
    }
}
