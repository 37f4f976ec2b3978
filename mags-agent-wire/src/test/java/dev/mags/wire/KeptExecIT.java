package dev.mags.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.ItHost;
import dev.mags.agent.LocalAgent;
import dev.mags.agent.RecordingListener;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.wire.client.RemoteAgent;
import dev.mags.wire.server.AgentServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exec connections the agent keeps between the execs of a sandbox: counted by a relay in front of the agent's port,
 * which also cuts them as an agent that went away would. Real runc, the busybox image. Needs root.
 */
class KeptExecIT {
    private static final String SECRET = "a-secret-of-the-cluster-0123456789";
    private static ItHost host;
    private static LocalAgent local;
    private static AgentServer server;
    private Relay relay;
    private RemoteAgent remote;
    private Sandbox sandbox;

    @BeforeAll
    static void setUp() throws IOException {
        host = ItHost.create();
        local = host.agent();
        server = AgentServer.start(local, SECRET, "127.0.0.1", 0);
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (server != null) {
            server.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @BeforeEach
    void createSandbox() throws IOException {
        relay = new Relay(server.port());
        remote = new RemoteAgent(URI.create("http://127.0.0.1:" + relay.port()), SECRET);
        sandbox = remote.create(new SandboxSpec(SandboxId.of(ItHost.uniqueId("kept")), "busybox", SandboxLimits.DEFAULT,
                NetworkMode.NONE, null, null, Map.of()));
    }

    @AfterEach
    void stopSandbox() throws Exception {
        sandbox.stop(Duration.ofSeconds(1), false).get(30, TimeUnit.SECONDS);
        remote.close();
        relay.close();
        assertThat(local.sandboxes()).isEmpty();
    }

    @Test
    void execsOneAfterAnotherInASandboxUseOneConnection() throws Exception {
        for (int i = 0; i < 5; i++) {
            RecordingListener output = new RecordingListener();
            Exec exec = sandbox.exec(ExecSpec.shell("echo run " + i, Map.of(), null), output, () -> { });
            assertThat(exec.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
            assertThat(output.stdout()).containsExactly("run " + i);
        }
        assertThat(relay.execConnections()).as("exec connections opened for 5 execs").isEqualTo(1);
    }

    @Test
    void whatAnEndedExecSendsNeverReachesTheNextOne() throws Exception {
        Exec first = sandbox.exec(new ExecSpec(List.of("true"), Map.of(), null, true, null, null),
                new RecordingListener(), () -> { });
        assertThat(first.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        first.signal(9); // too late: the process is gone, and the connection is the next exec's
        assertThatThrownBy(() -> first.stdin().write(1)).isInstanceOf(IOException.class);

        RecordingListener output = new RecordingListener();
        Exec second = sandbox.exec(ExecSpec.shell("sleep 0.3; echo second", Map.of(), null), output, () -> { });
        assertThat(second.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        assertThat(output.stdout()).containsExactly("second");
        assertThat(relay.execConnections()).isEqualTo(1);
    }

    @Test
    void aKeptConnectionThatWasCutIsReplacedByANewOne() throws Exception {
        assertThat(sandbox.exec(ExecSpec.shell("true", Map.of(), null), new RecordingListener(), () -> { })
                .exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        relay.cutAll(); // as an agent that restarted, or closed the connection after its idle time

        RecordingListener output = new RecordingListener();
        Exec exec = sandbox.exec(ExecSpec.shell("echo again", Map.of(), null), output, () -> { });
        assertThat(exec.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        assertThat(output.stdout()).containsExactly("again");
        assertThat(relay.execConnections()).isEqualTo(2);
    }

    @Test
    void aSandboxMadeAgainUnderTheSameIdGetsTheKeptConnectionsExecs() throws Exception {
        assertThat(sandbox.exec(ExecSpec.shell("touch /root/first-life", Map.of(), null), new RecordingListener(),
                () -> { }).exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        SandboxId id = sandbox.id();
        sandbox.stop(Duration.ofSeconds(1), false).get(30, TimeUnit.SECONDS);
        sandbox = remote.create(new SandboxSpec(id, "busybox", SandboxLimits.DEFAULT, NetworkMode.NONE, null, null,
                Map.of())); // as a job's sandbox is made again when it wakes

        RecordingListener output = new RecordingListener();
        Exec exec = sandbox.exec(ExecSpec.shell("test -e /root/first-life && echo first life || echo new life",
                Map.of(), null), output, () -> { });
        assertThat(exec.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        assertThat(output.stdout()).containsExactly("new life");
        assertThat(relay.execConnections()).as("the kept connection served the new sandbox").isEqualTo(1);
    }

    @Test
    void execsAtTheSameTimeEachHaveAConnectionAndAreKeptForLater() throws Exception {
        Exec a = sandbox.exec(ExecSpec.shell("sleep 0.5", Map.of(), null), new RecordingListener(), () -> { });
        Exec b = sandbox.exec(ExecSpec.shell("sleep 0.5", Map.of(), null), new RecordingListener(), () -> { });
        assertThat(a.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        assertThat(b.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        for (int i = 0; i < 3; i++) {
            assertThat(sandbox.exec(ExecSpec.shell("true", Map.of(), null), new RecordingListener(), () -> { })
                    .exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        }
        assertThat(relay.execConnections()).isEqualTo(2);
    }

    /** A TCP relay to the agent's port that counts the exec upgrades through it and can cut every connection. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final int target;
        private final AtomicInteger execs = new AtomicInteger();
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        Relay(int target) throws IOException {
            this.target = target;
            Thread.ofVirtual().start(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        int execConnections() {
            return execs.get();
        }

        void cutAll() throws IOException {
            for (Socket s : open) {
                s.close();
            }
            open.clear();
        }

        private void accept() {
            try {
                while (true) {
                    Socket in = listener.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    open.add(in);
                    open.add(out);
                    Thread.ofVirtual().start(() -> pipe(in, out, true));
                    Thread.ofVirtual().start(() -> pipe(out, in, false));
                }
            } catch (IOException closed) {
                // the relay was closed
            }
        }

        private void pipe(Socket from, Socket to, boolean fromClient) {
            byte[] buf = new byte[64 * 1024];
            boolean first = fromClient;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (first) {
                        first = false; // an upgrade's request head comes in the first read
                        if (new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains("Upgrade: mags-exec-v2")) {
                            execs.incrementAndGet();
                        }
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // closed already
                }
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            cutAll();
        }
    }
}
