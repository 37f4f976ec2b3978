package dev.mags.protocol.v1;

import java.time.Instant;

/**
 * A workspace in storage: its latest snapshot (size, time) and how many snapshots it has.
 *
 * @param baseCopyBytes bytes of the files of its snapshots that the agent's host keeps restored as bases
 *     ({@code --base}) for the sandboxes and forks that use them; 0 when none
 */
public record StoredWorkspaceInfo(StoredWorkspace workspace, String latestSnapshot, Instant lastSyncAt, long files,
                                  long bytes, int snapshots, long baseCopyBytes) {
    public StoredWorkspaceInfo(StoredWorkspace workspace, String latestSnapshot, Instant lastSyncAt, long files, long bytes,
            int snapshots) {
        this(workspace, latestSnapshot, lastSyncAt, files, bytes, snapshots, 0);
    }

    public StoredWorkspaceInfo withBaseCopyBytes(long copyBytes) {
        return new StoredWorkspaceInfo(workspace, latestSnapshot, lastSyncAt, files, bytes, snapshots, copyBytes);
    }
}
