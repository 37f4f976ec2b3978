package dev.mags.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.testing.HostSandbox;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WebSocket on {@code GET /mags-jobs/{id}/exec}: terminals, stdin, resizes, signals, the exit frame. */
class ExecSocketTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    ExecServer server;
    HostSandbox dev;

    @BeforeEach
    void start() {
        server = new ExecServer(dir);
        dev = server.sandbox("alice", "dev");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aTerminalFollowsResizesAndEndsWithTheShellsStatus() throws Exception {
        Client c = connect("dev", "{\"argv\": [\"sh\"], \"tty\": true, \"cols\": 80, \"rows\": 24}");
        c.send(0, "stty size\n");
        await().atMost(ExecApiTest.GUARD).until(() -> c.stdout().contains("24 80"));
        c.send(4, "{\"cols\": 100, \"rows\": 30}");
        c.send(0, "stty size\n");
        await().atMost(ExecApiTest.GUARD).until(() -> c.stdout().contains("30 100"));
        c.send(0, "exit 5\n");
        JsonNode end = c.end();
        assertThat(end.get("exit_code").asInt()).isEqualTo(5);
        assertThat(end.get("status").asText()).isEqualTo("error");
        assertThat(dev.specs.getLast().pty()).isNotNull();
        assertThat(dev.specs.getLast().environment()).containsEntry("TERM", "xterm");
        c.closed.get(60, TimeUnit.SECONDS);
    }

    @Test
    void pipesCarryStdinToItsEndAndKeepStderrApart() throws Exception {
        Client c = connect("dev", "{\"command\": \"cat; echo done >&2\", \"stdin\": \"first \"}");
        c.send(0, "second\n");
        c.send(0, "");
        JsonNode end = c.end();
        assertThat(end.get("exit_code").asInt()).isZero();
        assertThat(end.get("status").asText()).isEqualTo("completed");
        assertThat(c.stdout()).isEqualTo("first second\n");
        assertThat(c.stderr()).isEqualTo("done\n");
    }

    @Test
    void aSignalReachesTheProcess() throws Exception {
        Client c = connect("dev", "{\"argv\": [\"sleep\", \"100\"]}");
        await().atMost(ExecApiTest.GUARD).until(() -> dev.running() == 1);
        c.send(5, "INT");
        assertThat(c.end().get("exit_code").asInt()).isEqualTo(130);
    }

    @Test
    void aSocketThatClosesHangsItsCommandUp() throws Exception {
        Client c = connect("dev", "{\"argv\": [\"sleep\", \"100\"]}");
        await().atMost(ExecApiTest.GUARD).until(() -> dev.running() == 1);
        c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(60, TimeUnit.SECONDS);
        await().atMost(ExecApiTest.GUARD).until(() -> dev.running() == 0 && server.released.size() == 1);
    }

    @Test
    void aBadFirstMessageEndsWithWhatIsWrong() throws Exception {
        Client c = connect("dev", "{\"command\": \"true\", \"cols\": 10}");
        JsonNode end = c.end();
        assertThat(end.get("reason").asText()).isEqualTo("invalid_field");
        assertThat(end.get("message").asText()).contains("\"tty\": true");
        assertThat(dev.specs).isEmpty();
        await().atMost(ExecApiTest.GUARD).until(() -> server.released.size() == 1);
    }

    @Test
    void anotherUsersNameIsRefusedBeforeTheUpgrade() {
        server.sandbox("bob", "secret");
        assertThatThrownBy(() -> connect("secret", "{\"command\": \"true\"}"))
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
        assertThat(server.sandbox("bob", "secret").specs).isEmpty();
    }

    private Client connect(String name, String first) throws Exception {
        Client c = new Client();
        c.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + server.token("alice"))
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/api/v1/mags-jobs/" + name + "/exec"), c)
                .get(60, TimeUnit.SECONDS);
        c.socket.sendText(first, true).get(60, TimeUnit.SECONDS);
        return c;
    }

    /** Collects what the server sends, frame by frame, by channel. */
    private static final class Client implements WebSocket.Listener {
        WebSocket socket;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<JsonNode> exit = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        void send(int channel, String payload) throws Exception {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(bytes.length + 1).put((byte) channel).put(bytes).flip();
            socket.sendBinary(frame, true).get(60, TimeUnit.SECONDS);
        }

        synchronized String stdout() {
            return out.toString(StandardCharsets.UTF_8);
        }

        synchronized String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }

        JsonNode end() throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
            return exit.get(60, TimeUnit.SECONDS);
        }

        @Override
        public synchronized CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                byte[] frame = partial.toByteArray();
                partial.reset();
                switch (frame[0]) {
                    case 1 -> out.write(frame, 1, frame.length - 1);
                    case 2 -> err.write(frame, 1, frame.length - 1);
                    case 3 -> {
                        try {
                            exit.complete(JSON.readTree(new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8)));
                        } catch (java.io.IOException e) {
                            exit.completeExceptionally(e);
                        }
                    }
                    default -> exit.completeExceptionally(new AssertionError("frame on channel " + frame[0]));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }
}
