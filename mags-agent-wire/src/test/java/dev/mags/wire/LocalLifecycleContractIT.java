package dev.mags.wire;

import dev.mags.agent.ItHost;
import dev.mags.protocol.v2.Agent;

/** {@link LifecycleContract} on the agent in this process. Needs root. */
class LocalLifecycleContractIT extends LifecycleContract {
    @Override
    protected Agent openAgent(ItHost host) {
        return host.agent(backup());
    }
}
