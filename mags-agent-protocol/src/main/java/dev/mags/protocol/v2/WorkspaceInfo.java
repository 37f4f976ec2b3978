package dev.mags.protocol.v2;

import java.util.Objects;

/**
 * A workspace disk an agent keeps.
 *
 * @param diskBytes   the size of its disk (sparse on the host: only what was written takes space)
 * @param usedBytes   bytes in use on that disk as of its last unmount or the live sandbox's statfs; -1 when unknown
 * @param liveSandbox whether a sandbox on it runs on the agent
 */
public record WorkspaceInfo(WorkspaceKey key, long diskBytes, long usedBytes, boolean liveSandbox) {
    public WorkspaceInfo {
        Objects.requireNonNull(key, "key");
    }

    public WorkspaceInfo(WorkspaceKey key, long diskBytes) {
        this(key, diskBytes, -1, false);
    }
}
