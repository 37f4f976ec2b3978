package dev.mags.agent.sandbox;

import dev.mags.agent.security.IdMapping;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent-wide settings every sandbox is built with.
 *
 * @param sandboxesDir where sandbox directories are created, {@code <dataDir>/sandboxes}
 * @param disksDir where sandboxes' own disk images are created, {@code <dataDir>/sandbox-disks}
 * @param cgroupParent cgroups go to {@code /<cgroupParent>/<containerId>}
 * @param stopGrace how long a sandbox may take to end after SIGTERM when it times out
 * @param initBinary the host's static busybox, which runs each container's init
 * @param swapAccounting whether the host can limit memory plus swap (see the bundle's resources)
 * @param idMapping the host ids of the sandboxes' user namespace
 * @param openFiles every sandbox process's RLIMIT_NOFILE (see {@code AgentConfig.openFiles})
 */
public record SandboxSettings(Path sandboxesDir, Path disksDir, String cgroupParent, String hostname, Duration stopGrace,
        Path initBinary, boolean swapAccounting, IdMapping idMapping, long openFiles) {

    public String cgroupsPath(String containerId) {
        return "/" + cgroupParent + "/" + containerId;
    }
}
