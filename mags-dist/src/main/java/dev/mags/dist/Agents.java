package dev.mags.dist;

import dev.mags.agent.AgentConfig;
import dev.mags.agent.LocalAgent;
import dev.mags.agent.WarmPoolConfig;
import dev.mags.protocol.v2.NetworkMode;
import java.util.List;

/** Builds a host's agent: the in-process one of single-node mode, or the one {@code magsd agent} serves. */
final class Agents {
    private Agents() {}

    static AgentConfig config(MagsdConfig cfg) {
        return config(cfg.dataDir(), cfg.imagesDir(), cfg.runtimeBinary(), cfg.cgroupParent(), warmPool(cfg), cfg.egress());
    }

    static AgentConfig config(java.nio.file.Path dataDir, java.nio.file.Path imagesDir, String runtime,
                              String cgroupParent, WarmPoolConfig pool, dev.mags.agent.network.EgressPolicy egress) {
        return AgentConfig.defaults(dataDir, imagesDir).withRuntimeBinary(runtime).withCgroupParent(cgroupParent)
                .withWarmPool(pool).withEgress(egress);
    }

    /**
     * The pool keeps sandboxes of exactly the shape a job that sets no limits gets: the default
     * image, the operator's default limits and outbound network. Other jobs start cold.
     */
    static WarmPoolConfig warmPool(MagsdConfig cfg) {
        return warmPool(cfg.defaultImage(), cfg.limits().defaults(), cfg.warmPoolSize());
    }

    static WarmPoolConfig warmPool(String image, dev.mags.protocol.v2.SandboxLimits limits, int size) {
        return new WarmPoolConfig(List.of(new WarmPoolConfig.Entry(image, limits, NetworkMode.OUTBOUND, size)),
                WarmPoolConfig.DEFAULT_FILL_CONCURRENCY);
    }

    static LocalAgent local(MagsdConfig cfg, dev.mags.agent.workspace.WorkspaceBackup backup,
            io.micrometer.core.instrument.MeterRegistry meters) {
        return new LocalAgent(config(cfg), backup, meters);
    }
}
