package dev.mags.wire;

import dev.mags.protocol.v2.Agent;
import dev.mags.testkit.SelfSignedCertificate;
import dev.mags.wire.client.RemoteAgent;
import dev.mags.wire.server.AgentServer;
import dev.mags.wire.tls.PemTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An agent served on loopback by an {@link AgentServer}, and the {@link RemoteAgent} that reaches it: over plain
 * HTTP, or over HTTPS with a certificate for 127.0.0.1 that the client trusts.
 */
final class ServedAgent implements AutoCloseable {
    static final String SECRET = "contract-test-secret-0123456789";
    private final AgentServer server;
    private final RemoteAgent remote;

    ServedAgent(Agent served) {
        this.server = AgentServer.start(served, SECRET, "127.0.0.1", 0);
        this.remote = new RemoteAgent(URI.create("http://127.0.0.1:" + server.port()), SECRET);
    }

    private ServedAgent(Agent served, SelfSignedCertificate certificate) {
        this.server = AgentServer.start(served, SECRET, "127.0.0.1", 0,
                PemTls.server(certificate.certificate(), certificate.key()));
        this.remote = new RemoteAgent(URI.create("https://127.0.0.1:" + server.port()), SECRET,
                PemTls.trusting(certificate.certificate()));
    }

    /** Served over HTTPS, the client checking the agent's certificate (made in a new temporary directory). */
    static ServedAgent overTls(Agent served) {
        try {
            Path dir = Files.createTempDirectory("mags-wire-tls");
            SelfSignedCertificate certificate = SelfSignedCertificate.create(dir, "agent", "IP:127.0.0.1");
            ServedAgent tls = new ServedAgent(served, certificate);
            Files.delete(certificate.certificate());
            Files.delete(certificate.key());
            Files.delete(dir);
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RemoteAgent remote() {
        return remote;
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        remote.close();
        server.close();
    }
}
