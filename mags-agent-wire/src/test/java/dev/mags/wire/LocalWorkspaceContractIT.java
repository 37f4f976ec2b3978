package dev.mags.wire;

import dev.mags.agent.ItHost;
import dev.mags.protocol.v2.Agent;

/** {@link WorkspaceContract} on the agent in this process. Needs root. */
class LocalWorkspaceContractIT extends WorkspaceContract {
    @Override
    protected Agent openAgent(ItHost host) {
        return host.agent(backup());
    }
}
