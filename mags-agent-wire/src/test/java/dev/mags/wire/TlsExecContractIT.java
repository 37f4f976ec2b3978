package dev.mags.wire;

import dev.mags.agent.ItHost;
import dev.mags.protocol.v2.Agent;

/**
 * {@link ExecContract} through the wire over TLS: a {@code RemoteAgent} checking the certificate of an
 * {@code AgentServer} served over HTTPS. Needs root.
 */
class TlsExecContractIT extends ExecContract {
    private ServedAgent served;

    @Override
    protected Agent openAgent(ItHost host) {
        served = ServedAgent.overTls(host.agent(backup()));
        return served.remote();
    }

    @Override
    protected void closeAgent() {
        served.close();
    }
}
