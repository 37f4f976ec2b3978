package dev.mags.controlplane.cluster;

import dev.mags.protocol.v2.Agent;
import dev.mags.wire.client.RemoteAgent;
import java.net.URI;
import javax.net.ssl.SSLContext;

/**
 * The directory's hold on one agent of the cluster: the {@link Agent} to call, and what to do when the cluster
 * declares that agent lost. {@link #remote} is the real one (a {@link RemoteAgent}); tests pass their own.
 */
public interface AgentLink extends AutoCloseable {
    Agent agent();

    /** The agent is gone: every sandbox this control plane knows on it ends now, with {@code why}. */
    void lost(String why);

    /** Releases this control plane's client only: the agent and its sandboxes go on. */
    @Override
    void close();

    /**
     * A link to the {@code AgentServer} at {@code url}, with the cluster's agent secret; an {@code https} agent's
     * certificate is checked against {@code tls} (null: the JDK's trusted CAs).
     */
    static AgentLink remote(URI url, String secret, SSLContext tls) {
        RemoteAgent remote = new RemoteAgent(url, secret, tls);
        return new AgentLink() {
            @Override
            public Agent agent() {
                return remote;
            }

            @Override
            public void lost(String why) {
                remote.lost(why);
            }

            @Override
            public void close() {
                remote.close();
            }
        };
    }
}
