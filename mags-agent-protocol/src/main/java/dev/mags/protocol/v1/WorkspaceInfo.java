package dev.mags.protocol.v1;

/**
 * A workspace an agent keeps.
 *
 * @param diskBytes   the size of its disk (sparse on the host: only what was written takes space)
 * @param usedBytes   bytes in use on that disk as of its last unmount or the live sandbox's statfs; -1 when unknown
 * @param liveSandbox whether a sandbox of it runs (or is kept alive) on the agent
 */
public record WorkspaceInfo(String key, long diskBytes, long usedBytes, boolean liveSandbox) {
    public WorkspaceInfo(String key, long diskBytes) {
        this(key, diskBytes, -1, false);
    }
}
