package dev.mags.agent.sandbox;

import dev.mags.agent.security.IdMapping;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent-wide settings every sandbox is built with.
 *
 * @param sandboxesDir where sandbox directories are created, {@code <dataDir>/sandboxes}
 * @param cgroupParent cgroups go to {@code /<cgroupParent>/<sandboxId>}
 * @param stopGrace how long a sandbox may take to end after SIGTERM when it times out
 * @param idMapping the host ids of the sandboxes' user namespace
 */
public record SandboxSettings(Path sandboxesDir, String cgroupParent, String hostname, long pidsLimit, Duration stopGrace,
        IdMapping idMapping) {

    public String cgroupsPath(String sandboxId) {
        return "/" + cgroupParent + "/" + sandboxId;
    }
}
