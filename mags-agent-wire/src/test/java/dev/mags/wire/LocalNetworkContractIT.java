package dev.mags.wire;

import dev.mags.agent.ItHost;
import dev.mags.protocol.v2.Agent;

/** {@link NetworkContract} on the agent in this process. Needs root. */
class LocalNetworkContractIT extends NetworkContract {
    @Override
    protected Agent openAgent(ItHost host) {
        return host.agent(backup());
    }
}
