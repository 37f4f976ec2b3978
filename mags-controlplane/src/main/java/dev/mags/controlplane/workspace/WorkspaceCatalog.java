package dev.mags.controlplane.workspace;

import dev.mags.protocol.v2.StoredWorkspace;
import java.util.List;
import java.util.Optional;

/**
 * What the control plane asks workspace storage itself, rather than an agent: which workspaces an owner has in
 * storage, their latest snapshots, and the deletion of a workspace's snapshots. Failures of storage are
 * {@link dev.mags.controlplane.error.UnavailableException}s ({@code storage_unavailable}).
 */
public interface WorkspaceCatalog {
    /** The owner's workspaces in storage. */
    List<StoredWorkspaceInfo> storedWorkspaces(String owner);

    /** The latest snapshot of a stored workspace, if it has one. */
    Optional<String> latestSnapshot(StoredWorkspace workspace);

    /** Deletes every snapshot of the workspace in storage; chunks other snapshots use stay. */
    void deleteStoredWorkspace(StoredWorkspace workspace);

    /** A catalog for a server without workspace storage: nothing is stored, and asking for more says so. */
    WorkspaceCatalog NONE = new WorkspaceCatalog() {
        @Override
        public List<StoredWorkspaceInfo> storedWorkspaces(String owner) {
            return List.of();
        }

        @Override
        public Optional<String> latestSnapshot(StoredWorkspace workspace) {
            return Optional.empty();
        }

        @Override
        public void deleteStoredWorkspace(StoredWorkspace workspace) {
            // nothing stored
        }
    };
}
