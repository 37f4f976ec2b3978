package dev.mags.protocol.v2;

import java.util.Objects;

/**
 * A snapshot of a stored workspace mounted read-only under a sandbox's writable layer ({@code --base}).
 * The snapshot is pinned: a fork keeps seeing the base it was made from, whatever the base does later.
 */
public record BaseLayer(StoredWorkspace workspace, String snapshotId) {
    public BaseLayer {
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(snapshotId, "snapshotId");
    }
}
