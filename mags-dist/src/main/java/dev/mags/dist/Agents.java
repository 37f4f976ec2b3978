package dev.mags.dist;

import dev.mags.agent.AgentConfig;
import dev.mags.agent.LocalAgent;
import dev.mags.agent.WarmPoolConfig;
import dev.mags.protocol.v2.NetworkMode;
import java.util.List;

/** Builds the in-process agent of single-node mode from the server's config. */
final class Agents {
    private Agents() {}

    static AgentConfig config(MagsdConfig cfg) {
        return AgentConfig.defaults(cfg.dataDir(), cfg.imagesDir()).withRuntimeBinary(cfg.runtimeBinary())
                .withCgroupParent(cfg.cgroupParent())
                .withWarmPool(warmPool(cfg))
                .withEgress(cfg.egress());
    }

    /**
     * The pool keeps sandboxes of exactly the shape a job that sets no limits gets: the default
     * image, the operator's default limits and outbound network. Other jobs start cold.
     */
    static WarmPoolConfig warmPool(MagsdConfig cfg) {
        return new WarmPoolConfig(List.of(new WarmPoolConfig.Entry(cfg.defaultImage(), cfg.limits().defaults(),
                NetworkMode.OUTBOUND, cfg.warmPoolSize())), WarmPoolConfig.DEFAULT_FILL_CONCURRENCY);
    }

    static LocalAgent local(MagsdConfig cfg, dev.mags.agent.workspace.WorkspaceBackup backup,
            io.micrometer.core.instrument.MeterRegistry meters) {
        return new LocalAgent(config(cfg), backup, meters);
    }
}
