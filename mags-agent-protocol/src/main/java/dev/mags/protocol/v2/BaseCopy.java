package dev.mags.protocol.v2;

import java.util.Objects;

/**
 * A snapshot of a stored workspace that an agent keeps restored on its host as a base ({@code --base}) for the
 * sandboxes and workspace disks made on it.
 *
 * @param bytes the bytes of its files on the host
 */
public record BaseCopy(StoredWorkspace workspace, String snapshotId, long bytes) {
    public BaseCopy {
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(snapshotId, "snapshotId");
    }
}
