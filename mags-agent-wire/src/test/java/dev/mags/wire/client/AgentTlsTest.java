package dev.mags.wire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.ImageInfo;
import dev.mags.testkit.SelfSignedCertificate;
import dev.mags.wire.WireJson;
import dev.mags.wire.WireProtocol;
import dev.mags.wire.server.AgentServer;
import dev.mags.wire.tls.PemTls;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.UndertowClient;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xnio.IoFuture;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.ssl.XnioSsl;

/**
 * The agent's wire over HTTPS, as the control plane reaches it: calls and upgraded connections pass only when the
 * agent's certificate is trusted and names the host the control plane dialled; otherwise the refusal says what to
 * give. The agent behind the server is a stand-in that knows one image (no sandbox is made).
 */
class AgentTlsTest {
    private static final String SECRET = "tls-test-secret-0123456789";
    private static final ImageInfo IMAGE = new ImageInfo("busybox", Instant.parse("2026-01-01T00:00:00Z"), 1);

    @TempDir
    Path dir;
    private AgentServer server;
    private Agent agent;
    private SelfSignedCertificate certificate;

    @BeforeEach
    void serveOverTls() throws IOException {
        certificate = SelfSignedCertificate.create(dir, "agent", "DNS:localhost");
        agent = (Agent) Proxy.newProxyInstance(Agent.class.getClassLoader(), new Class<?>[] {Agent.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "images" -> List.of(IMAGE);
                    case "sandbox" -> Optional.empty();
                    case "toString" -> "an agent that knows one image";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        server = AgentServer.start(agent, SECRET, "127.0.0.1", 0,
                PemTls.server(certificate.certificate(), certificate.key()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AgentClient client(String host, SSLContext trust) {
        return new AgentClient(URI.create("https://" + host + ":" + server.port()), SECRET, trust, WireJson.mapper());
    }

    @Test
    void aTrustedCertificateForTheDialledHostPassesCallsAndUpgrades() throws IOException {
        try (RemoteAgent remote = new RemoteAgent(URI.create("https://localhost:" + server.port()), SECRET,
                PemTls.trusting(certificate.certificate()));
                AgentClient client = client("localhost", PemTls.trusting(certificate.certificate()))) {
            assertThat(remote.images()).containsExactly(IMAGE);
            // past the handshake, the agent itself answers: there is no such sandbox
            assertThatThrownBy(() -> client.upgrade("/sandboxes/none/exec", WireProtocol.EXEC_UPGRADE))
                    .isInstanceOfSatisfying(AgentException.class,
                            e -> assertThat(e.code()).isEqualTo(AgentErrorCode.NOT_FOUND));
        }
    }

    @Test
    void anAgentWhoseCertificateIsNotTrustedIsRefusedSayingToGiveTheAgentCa() {
        try (RemoteAgent remote = new RemoteAgent(URI.create("https://localhost:" + server.port()), SECRET);
                AgentClient client = client("localhost", null)) {
            assertThatThrownBy(remote::images).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.code()).isEqualTo(AgentErrorCode.UNREACHABLE)).hasMessageContaining("--agent-ca");
            assertThatThrownBy(() -> client.upgrade("/sandboxes/none/exec", WireProtocol.EXEC_UPGRADE))
                    .isInstanceOf(AgentException.class).hasMessageContaining("--agent-ca");
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() {
        SSLContext trust = PemTls.trusting(certificate.certificate());
        try (RemoteAgent remote = new RemoteAgent(URI.create("https://127.0.0.1:" + server.port()), SECRET, trust);
                AgentClient client = client("127.0.0.1", trust)) {
            assertThatThrownBy(remote::images).isInstanceOf(AgentException.class).hasMessageContaining("TLS");
            assertThatThrownBy(() -> client.upgrade("/sandboxes/none/exec", WireProtocol.EXEC_UPGRADE))
                    .isInstanceOf(AgentException.class).hasMessageContaining("TLS");
        }
    }

    /**
     * The apps proxy reaches an agent's gateway with Undertow's client and the gateway's context: a trusted
     * certificate made for another host is refused there too (Undertow's client checks the host name itself).
     */
    @Test
    void undertowsClientAsTheAppsProxyUsesItRefusesACertificateForAnotherHost() throws Exception {
        XnioWorker worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
        try (var buffers = new io.undertow.server.DefaultByteBufferPool(false, 16 * 1024)) {
            XnioSsl ssl = new UndertowXnioSsl(Xnio.getInstance(), OptionMap.EMPTY,
                    PemTls.trusting(certificate.certificate()));
            IoFuture<ClientConnection> good = UndertowClient.getInstance().connect(
                    URI.create("https://localhost:" + server.port()), worker, ssl, buffers, OptionMap.EMPTY);
            assertThat(good.await(10, TimeUnit.SECONDS)).isEqualTo(IoFuture.Status.DONE);
            try (ClientConnection connection = good.get()) {
                assertThat(firstRequestFails(connection)).as("a request to the host the certificate names").isFalse();
            }

            IoFuture<ClientConnection> wrongHost = UndertowClient.getInstance().connect(
                    URI.create("https://127.0.0.1:" + server.port()), worker, ssl, buffers, OptionMap.EMPTY);
            IoFuture.Status status = wrongHost.await(10, TimeUnit.SECONDS);
            if (status == IoFuture.Status.DONE) {
                // the handshake runs on the first exchange: a request must fail
                ClientConnection connection = wrongHost.get();
                try (connection) {
                    assertThat(firstRequestFails(connection)).isTrue();
                }
            } else {
                assertThat(status).isEqualTo(IoFuture.Status.FAILED);
            }
        } finally {
            worker.shutdownNow();
        }
    }

    /** Sends {@code GET /agent/v2/images}: whether it failed (rather than got any answer). */
    private static boolean firstRequestFails(ClientConnection connection) throws InterruptedException {
        CompletableFuture<Boolean> failed = new CompletableFuture<>();
        ClientRequest request = new ClientRequest().setMethod(Methods.GET).setPath(WireProtocol.PREFIX + "/images");
        request.getRequestHeaders().put(Headers.HOST, "127.0.0.1");
        request.getRequestHeaders().put(Headers.AUTHORIZATION, "Bearer " + SECRET);
        connection.sendRequest(request, new ClientCallback<>() {
            @Override
            public void completed(ClientExchange exchange) {
                exchange.setResponseListener(new ClientCallback<>() {
                    @Override
                    public void completed(ClientExchange answered) {
                        failed.complete(false);
                    }

                    @Override
                    public void failed(IOException e) {
                        failed.complete(true);
                    }
                });
            }

            @Override
            public void failed(IOException e) {
                failed.complete(true);
            }
        });
        try {
            return failed.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the request neither failed nor was answered", e);
        }
    }

    @Test
    void aTrustBundleWithoutCertificatesIsRefusedSayingWhatToGive() throws IOException {
        Path empty = java.nio.file.Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> PemTls.trusting(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no certificate").hasMessageContaining("CA");
    }
}
