package dev.mags.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.RecordingListener;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.Sandbox;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Connections to a sandbox's ports through the contract ({@link Sandbox#connect}): made from inside its network,
 * so a server on its loopback answers, in a sandbox without outbound network.
 */
public abstract class NetworkContract extends AgentContract {
    @Test
    void aServerOnTheSandboxsLoopbackAnswersThroughConnect() throws Exception {
        Sandbox sandbox = create("httpd");
        assertThatThrownBy(() -> sandbox.connect(8080)).as("nothing listens yet").isInstanceOf(ConnectException.class);

        sh(sandbox, "mkdir -p /tmp/www && echo hello-from-httpd > /tmp/www/index.html");
        Exec server = sandbox.exec(ExecSpec.shell("exec httpd -f -p 127.0.0.1:8080 -h /tmp/www", Map.of(), null),
                new RecordingListener(), CommandGate.OPEN);
        String response = Awaitility.await().atMost(WAIT).ignoreException(ConnectException.class)
                .until(() -> get(sandbox, 8080), r -> !r.isEmpty());

        assertThat(response).startsWith("HTTP/1.").contains("hello-from-httpd");
        server.signal(15);
        assertThat(server.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS).exitCode()).isNotNull();
    }

    @Test
    void bytesGoBothWaysOverTheConnection() throws Exception {
        Sandbox sandbox = create("nc");
        RecordingListener serverOut = new RecordingListener();
        Exec server = sandbox.exec(ExecSpec.shell("echo hello-from-nc | nc -l -p 8081", Map.of(), null), serverOut,
                CommandGate.OPEN);
        Socket socket = Awaitility.await().atMost(WAIT).ignoreException(ConnectException.class)
                .until(() -> sandbox.connect(8081), s -> true);
        try (socket) {
            socket.getOutputStream().write("hello-from-host\n".getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            byte[] greeting = "hello-from-nc\n".getBytes(StandardCharsets.UTF_8);
            assertThat(socket.getInputStream().readNBytes(greeting.length)).isEqualTo(greeting);
            Awaitility.await().atMost(WAIT).until(() -> serverOut.stdout().contains("hello-from-host"));
        }
        assertThat(server.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
    }

    @Test
    void theCallersEndOfInputReachesTheServerWhichCanStillAnswer() throws Exception {
        Sandbox sandbox = create("half-close");
        sandbox.exec(ExecSpec.shell("nc -l -p 8082 -e sh -c 'wc -c'", Map.of(), null), new RecordingListener(),
                CommandGate.OPEN);
        Socket socket = Awaitility.await().atMost(WAIT).ignoreException(ConnectException.class)
                .until(() -> sandbox.connect(8082), s -> true);
        try (socket) {
            socket.getOutputStream().write("twelve bytes".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                    .isEqualTo("12");
        }
    }

    @Test
    void aPortWhereNothingListensRefusesTheConnection() {
        Sandbox sandbox = create("closed");
        assertThatThrownBy(() -> sandbox.connect(9)).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> sandbox.connect(65535)).isInstanceOf(ConnectException.class);
    }

    /** An HTTP/1.0 GET of {@code /} on the sandbox's port: the whole response. */
    private static String get(Sandbox sandbox, int port) throws Exception {
        try (Socket socket = sandbox.connect(port)) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: sandbox\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
