package dev.mags.wire;

import dev.mags.protocol.v2.Agent;
import dev.mags.wire.client.RemoteAgent;
import dev.mags.wire.server.AgentServer;
import java.net.URI;

/** An agent served on loopback by an {@link AgentServer}, and the {@link RemoteAgent} that reaches it. */
final class ServedAgent implements AutoCloseable {
    private static final String SECRET = "contract-test-secret-0123456789";
    private final AgentServer server;
    private final RemoteAgent remote;

    ServedAgent(Agent served) {
        this.server = AgentServer.start(served, SECRET, "127.0.0.1", 0);
        this.remote = new RemoteAgent(URI.create("http://127.0.0.1:" + server.port()), SECRET);
    }

    RemoteAgent remote() {
        return remote;
    }

    @Override
    public void close() {
        remote.close();
        server.close();
    }
}
