package dev.mags.dist;

import dev.mags.agent.AgentConfig;
import dev.mags.agent.LocalAgent;
import dev.mags.agent.WarmPoolConfig;

/** Builds the in-process agent of single-node mode from the server's config. */
final class Agents {
    private Agents() {}

    static AgentConfig config(MagsdConfig cfg) {
        return AgentConfig.defaults(cfg.dataDir(), cfg.imagesDir()).withRuntimeBinary(cfg.runtimeBinary())
                .withCgroupParent(cfg.cgroupParent())
                .withWarmPool(WarmPoolConfig.of(cfg.defaultImage(), cfg.warmPoolSize()));
    }

    static LocalAgent local(MagsdConfig cfg) {
        return new LocalAgent(config(cfg));
    }
}
