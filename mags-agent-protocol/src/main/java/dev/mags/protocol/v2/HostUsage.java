package dev.mags.protocol.v2;

import java.util.Map;

/**
 * What an agent's host holds now, for the control plane's admission of new sandboxes.
 *
 * @param diskFreeBytes      bytes free (to an unprivileged writer) on the file system that holds the agent's
 *                           sandbox and workspace disks
 * @param diskGrowableBytes  how much more of it the disks in use may still take: for each sandbox disk (of live,
 *                           pooled or starting sandboxes) and each workspace disk a live sandbox uses, its size
 *                           less what it already holds (the disks are sparse)
 * @param workspaceSandboxes the limits of each live sandbox on a workspace's disk, by workspace key
 */
public record HostUsage(long diskFreeBytes, long diskGrowableBytes, Map<WorkspaceKey, SandboxLimits> workspaceSandboxes) {
    public HostUsage {
        workspaceSandboxes = Map.copyOf(workspaceSandboxes);
    }
}
