package dev.mags.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.ItHost;
import dev.mags.agent.LocalAgent;
import dev.mags.agent.RecordingListener;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.wire.client.RemoteAgent;
import dev.mags.wire.server.AgentServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only the wire adds to the contract: the agent secret, a control plane that goes away in the middle of an
 * exec, the gate run on the caller's side, a sandbox's port and files through the agent's server. Real runc, the
 * busybox image, the server on loopback. Needs root.
 */
class AgentWireIT {
    private static final String SECRET = "a-secret-of-the-cluster-0123456789";
    private static ItHost host;
    private static LocalAgent local;
    private static AgentServer server;
    private static RemoteAgent remote;
    private Sandbox sandbox;

    @BeforeAll
    static void setUp() throws IOException {
        host = ItHost.create();
        local = host.agent();
        server = AgentServer.start(local, SECRET, "127.0.0.1", 0);
        remote = new RemoteAgent(URI.create("http://127.0.0.1:" + server.port()), SECRET);
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (remote != null) {
            remote.close();
        }
        if (server != null) {
            server.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @BeforeEach
    void createSandbox() {
        sandbox = remote.create(new SandboxSpec(SandboxId.of(ItHost.uniqueId("wire")), "busybox", SandboxLimits.DEFAULT,
                NetworkMode.NONE, null, null, Map.of()));
    }

    @AfterEach
    void stopSandbox() throws Exception {
        sandbox.stop(Duration.ofSeconds(1), false).get(30, TimeUnit.SECONDS);
        assertThat(local.sandboxes()).isEmpty();
    }

    @Test
    void anExecRunsInTheRemoteSandboxWithItsOutputAndExitCode() throws Exception {
        RecordingListener output = new RecordingListener();
        AtomicBoolean gatePassed = new AtomicBoolean();
        Exec exec = sandbox.exec(ExecSpec.shell("echo out; echo err >&2; exit 3", Map.of(), null), output,
                () -> gatePassed.set(true));

        assertThat(exec.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(3));
        assertThat(gatePassed).isTrue();
        assertThat(output.stdout()).containsExactly("out");
        assertThat(output.stderr()).containsExactly("err");
    }

    @Test
    void aGateThatThrowsStopsTheExecWithItsOwnException() throws Exception {
        IllegalStateException refused = new IllegalStateException("the job was cancelled");
        assertThatThrownBy(() -> sandbox.exec(ExecSpec.shell("touch /root/ran", Map.of(), null), new RecordingListener(),
                () -> { throw refused; })).isSameAs(refused);

        assertThatThrownBy(() -> sandbox.files().stat("/root/ran", false)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void stdinReachesTheProcessAndItsCloseIsEndOfFile() throws Exception {
        RecordingListener output = new RecordingListener();
        Exec exec = sandbox.exec(new ExecSpec(List.of("sh", "-c", "wc -c"), Map.of(), null, true, null, null), output,
                () -> { });
        OutputStream stdin = exec.stdin();
        stdin.write(new byte[200_000]);
        stdin.close();

        assertThat(exec.exit().get(30, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        assertThat(output.stdout()).containsExactly("200000");
    }

    @Test
    void aSignalEndsTheProcess() throws Exception {
        Exec exec = sandbox.exec(new ExecSpec(List.of("sleep", "60"), Map.of(), null, false, null, null),
                new RecordingListener(), () -> { });
        exec.signal(9);

        assertThat(exec.exit().get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(137);
    }

    @Test
    void aCallerThatGoesAwayTakesItsProcessWithIt() throws Exception {
        Socket socket = rawExec("sleep 300; echo survived > /root/left");
        socket.close();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                local.sandboxes().stream().allMatch(s -> s.execsRunning() == 0));
    }

    @Test
    void aPortInTheSandboxAnswersThroughTheAgent() throws Exception {
        sandbox.exec(ExecSpec.shell("nc -l -p 7000 -e sh -c 'read line; echo got $line'", Map.of(), null),
                new RecordingListener(), () -> { });
        Socket socket = Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> sandbox.connect(7000), s -> true);
        try (socket) {
            socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("got hello\n");
        }
        assertThatThrownBy(() -> sandbox.connect(7001)).isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void filesAreReadAndWrittenThroughTheAgent() throws Exception {
        byte[] data = new byte[3_000_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        try (SeekableByteChannel out = sandbox.files().open("/root/big", Set.of(StandardOpenOption.WRITE,
                StandardOpenOption.CREATE_NEW), 0600)) {
            out.write(ByteBuffer.wrap(data));
        }
        assertThat(sandbox.files().stat("/root/big", false).size()).isEqualTo(data.length);
        ByteBuffer back = ByteBuffer.allocate(data.length);
        try (SeekableByteChannel in = sandbox.files().open("/root/big", Set.of(StandardOpenOption.READ), 0)) {
            while (back.hasRemaining() && in.read(back) >= 0) {
                // read it all
            }
            assertThat(in.read(ByteBuffer.allocate(10))).isEqualTo(-1);
        }
        assertThat(back.array()).isEqualTo(data);
        assertThatThrownBy(() -> sandbox.files().stat("/root/nothing", false)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void stopAnswersHowTheSandboxEndedAndItIsGone() throws Exception {
        SandboxEnd end = sandbox.stop(Duration.ofSeconds(1), false).get(30, TimeUnit.SECONDS);

        assertThat(end.reason()).isEqualTo(ExitReason.STOPPED);
        assertThat(sandbox.ended().get(30, TimeUnit.SECONDS).reason()).isEqualTo(ExitReason.STOPPED);
        assertThat(remote.sandbox(sandbox.id())).isEmpty();
    }

    @Test
    void aCallWithoutTheSecretIsRefused() throws Exception {
        try (RemoteAgent stranger = new RemoteAgent(URI.create("http://127.0.0.1:" + server.port()),
                "not-the-secret-of-this-cluster")) {
            assertThatThrownBy(stranger::images).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.code()).isEqualTo(AgentErrorCode.UNREACHABLE));
            assertThatThrownBy(() -> stranger.sandbox(sandbox.id()).orElseThrow().connect(22))
                    .isInstanceOf(AgentException.class);
        }
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.getOutputStream().write(("GET /agent/v2/sandboxes/" + sandbox.id() + "/exec HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: Upgrade\r\nUpgrade: " + WireProtocol.EXEC_UPGRADE + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            InputStream in = raw.getInputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 401");
        }
    }

    @Test
    void anAgentThatCannotBeReachedIsSaidSo() {
        try (RemoteAgent nowhere = new RemoteAgent(URI.create("http://127.0.0.1:1"), SECRET)) {
            assertThatThrownBy(nowhere::images).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.code()).isEqualTo(AgentErrorCode.UNREACHABLE));
        }
    }

    /** An exec started by hand on the wire, so the test can drop its connection. */
    private Socket rawExec(String script) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        OutputStream out = socket.getOutputStream();
        out.write(("GET /agent/v2/sandboxes/" + sandbox.id() + "/exec HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + SECRET + "\r\nConnection: Upgrade\r\nUpgrade: " + WireProtocol.EXEC_UPGRADE + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        byte[] spec = WireJson.mapper().writeValueAsBytes(ExecSpec.shell(script, Map.of(), null));
        java.io.DataOutputStream frames = new java.io.DataOutputStream(out);
        Frames.write(frames, Frames.SPEC, spec);
        java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        // skip the 101 head, then answer the gate and wait for the start
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        assertThat(Frames.require(in).type()).isEqualTo(Frames.GATE);
        Frames.write(frames, Frames.GATE_OPEN, new byte[0]);
        assertThat(Frames.require(in).type()).isEqualTo(Frames.STARTED);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                local.sandboxes().stream().anyMatch(s -> s.execsRunning() > 0));
        return socket;
    }
}
