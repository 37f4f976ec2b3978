package dev.mags.wire;

import dev.mags.agent.ItHost;
import dev.mags.protocol.v2.Agent;

/** {@link ExecContract} on the agent in this process. Needs root. */
class LocalExecContractIT extends ExecContract {
    @Override
    protected Agent openAgent(ItHost host) {
        return host.agent(backup());
    }
}
