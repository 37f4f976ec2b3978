package dev.mags.protocol.v2;

import java.util.Map;
import java.util.Objects;

/**
 * A sandbox to create: its root file system, limits and network. What runs in it comes later, by
 * {@link Sandbox#exec}.
 *
 * @param image       a base image the agent has (e.g. {@code debian}, {@code busybox})
 * @param workspace   the workspace its writable layer lives on; null for a throwaway layer
 * @param base        a stored workspace's snapshot mounted read-only under the writable layer; null for none
 * @param environment variables every exec in it gets, under the exec's own
 */
public record SandboxSpec(SandboxId id, String image, SandboxLimits limits, NetworkMode network,
                          WorkspaceMount workspace, BaseLayer base, Map<String, String> environment) {
    public SandboxSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(network, "network");
        environment = Map.copyOf(environment == null ? Map.of() : environment);
    }
}
