package dev.mags.controlplane;

import dev.mags.controlplane.workspace.StoredWorkspaceInfo;
import dev.mags.controlplane.workspace.WorkspaceCatalog;
import dev.mags.protocol.v2.StoredWorkspace;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Storage's catalog for control-plane tests: the workspaces a test puts in it, by owner and name. */
final class FakeCatalog implements WorkspaceCatalog {
    final Map<StoredWorkspace, StoredWorkspaceInfo> stored = new ConcurrentHashMap<>();

    /** A workspace in storage whose latest snapshot is {@code snapshot}, of {@code snapshots}. */
    void put(String owner, String name, String snapshot, long bytes, int snapshots) {
        StoredWorkspace ws = new StoredWorkspace(owner, name);
        stored.put(ws, new StoredWorkspaceInfo(ws, snapshot, Instant.parse("2026-01-02T03:04:05Z"), 7, bytes, snapshots));
    }

    @Override
    public List<StoredWorkspaceInfo> storedWorkspaces(String owner) {
        return stored.values().stream().filter(s -> s.workspace().owner().equals(owner)).toList();
    }

    @Override
    public Optional<String> latestSnapshot(StoredWorkspace workspace) {
        return Optional.ofNullable(stored.get(workspace)).map(StoredWorkspaceInfo::latestSnapshot);
    }

    @Override
    public void deleteStoredWorkspace(StoredWorkspace workspace) {
        stored.remove(workspace);
    }
}
