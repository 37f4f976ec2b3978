package dev.mags.agent.sandbox;

import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.util.Locale;
import java.util.Objects;

/**
 * What a sandbox is before any command runs in it: base image, limits and network. Two sandboxes of
 * one shape are interchangeable until a job's command runs, which is what lets the warm pool prepare
 * them in advance.
 */
public record SandboxShape(String image, SandboxLimits limits, NetworkMode network) {
    public SandboxShape {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(network, "network");
    }

    @Override
    public String toString() {
        return image + " (" + ByteSizes.binary(limits.memoryBytes()) + " memory, " + limits.cpuMillis()
                + " millicores, " + ByteSizes.disk(limits.diskBytes()) + " disk, " + limits.pids() + " processes, network "
                + network.name().toLowerCase(Locale.ROOT) + ")";
    }
}
