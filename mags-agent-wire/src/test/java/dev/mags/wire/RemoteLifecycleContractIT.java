package dev.mags.wire;

import dev.mags.agent.ItHost;
import dev.mags.protocol.v2.Agent;

/** {@link LifecycleContract} through the wire: a {@code RemoteAgent} calling an {@code AgentServer} in front of the host's agent. Needs root. */
class RemoteLifecycleContractIT extends LifecycleContract {
    private ServedAgent served;

    @Override
    protected Agent openAgent(ItHost host) {
        served = new ServedAgent(host.agent(backup()));
        return served.remote();
    }

    @Override
    protected void closeAgent() {
        served.close();
    }
}
