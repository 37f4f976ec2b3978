package dev.mags.wire;

import dev.mags.agent.ItHost;
import dev.mags.protocol.v2.Agent;

/** {@link FilesContract} on the agent in this process. Needs root. */
class LocalFilesContractIT extends FilesContract {
    @Override
    protected Agent openAgent(ItHost host) {
        return host.agent(backup());
    }
}
