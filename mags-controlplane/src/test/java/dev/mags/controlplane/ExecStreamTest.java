package dev.mags.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.exec.ExecLimits;
import dev.mags.controlplane.testing.HostExec;
import dev.mags.controlplane.testing.HostSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /mags-jobs/{id}/exec} with {@code Accept: application/x-ndjson}, over plain sockets: lines as the
 * output is read, a client that goes away, a client that stops reading, the per-user bound.
 */
class ExecStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration GUARD = ExecApiTest.GUARD;

    @TempDir
    Path dir;
    ExecServer server;
    HostSandbox dev;

    @BeforeEach
    void start() {
        server = new ExecServer(dir, ExecLimits.defaults(Duration.ofHours(1)).withPerUser(3), true);
        dev = server.sandbox("alice", "dev");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void linesPerStreamThenTheEnd() throws Exception {
        try (Socket s = post("{\"command\": \"echo one; echo two >&2; printf 'caf\\\\303'; printf '\\\\251\\\\n'; exit 4\"}")) {
            Wire in = reader(s);
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            List<String> headers = headers(in);
            assertThat(headers).contains("content-type: application/x-ndjson");
            List<JsonNode> lines = lines(in);
            JsonNode end = lines.getLast();
            assertThat(end.get("exit_code").asInt()).isEqualTo(4);
            assertThat(end.get("status").asText()).isEqualTo("error");
            assertThat(end.has("message")).isTrue();
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            for (JsonNode line : lines.subList(0, lines.size() - 1)) {
                (line.get("stream").asText().equals("stdout") ? out : err).append(line.get("data").asText());
                assertThat(line.has("exit_code")).isFalse();
            }
            assertThat(out).hasToString("one\ncafé\n");
            assertThat(err).hasToString("two\n");
        }
    }

    @Test
    void aClientThatGoesAwayHangsItsCommandUp() throws Exception {
        Socket s = post("{\"argv\": [\"sleep\", \"100\"]}");
        Wire in = reader(s);
        assertThat(in.readLine()).startsWith("HTTP/1.1 200");
        headers(in);
        assertThat(dev.running()).isEqualTo(1);
        s.close();
        await().atMost(GUARD).until(() -> dev.running() == 0);
        await().atMost(GUARD).until(() -> server.released.size() == 1);
        assertThat(dev.specs).hasSize(1);
    }

    @Test
    void aClientThatStopsReadingHoldsTheProcessNotTheServersMemory() throws Exception {
        long total = 64L << 20;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            write(s, "{\"command\": \"yes abcdefghijklmnopqrstuvwxyz | head -c " + total + "\"}");
            InputStream raw = s.getInputStream();
            byte[] some = new byte[64 * 1024];
            int read = raw.read(some);
            assertThat(read).isPositive();
            await().atMost(GUARD).until(ExecStreamTest::readerWaitsToWrite);
            long taken = dev.delivered.get();
            assertThat(taken).as("output the server took while the client read nothing more").isLessThan(total / 4);
            assertThat(dev.running()).as("the process waits on its full pipe").isEqualTo(1);
            long got = read;
            for (int n; (n = raw.read(some)) > 0; ) {
                got += n;
            }
            assertThat(got).as("every byte arrives once the client reads").isGreaterThan(total);
            assertThat(dev.delivered.get()).isEqualTo(total);
        }
    }

    @Test
    void aUserRunsABoundedNumberOfExecsAtOnce() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = post("{\"argv\": [\"sleep\", \"100\"]}");
                assertThat(reader(s).readLine()).startsWith("HTTP/1.1 200");
                held.add(s);
            }
            try (Socket fourth = post("{\"argv\": [\"sleep\", \"100\"]}")) {
                Wire in = reader(fourth);
                assertThat(in.readLine()).startsWith("HTTP/1.1 429");
                int length = headers(in).stream().filter(h -> h.startsWith("content-length: ")).findFirst()
                        .map(h -> Integer.parseInt(h.substring("content-length: ".length()))).orElseThrow();
                byte[] body = new byte[length];
                in.in().readFully(body);
                assertThat(new String(body, StandardCharsets.UTF_8)).contains("too_many_execs", "wait for one to end");
            }
            server.sandbox("bob", "box");
            assertThat(whole("bob", "box")).contains("completed");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        await().atMost(GUARD).until(() -> dev.running() == 0 && server.released.size() == 4);
        assertThat(whole("alice", "dev")).contains("completed");
    }

    /** The process's output reader is inside the response's blocking write, waiting for the socket. */
    private static boolean readerWaitsToWrite() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith(HostExec.READER_PREFIX))
                .anyMatch(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("awaitWritable")));
    }

    private Socket post(String body) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        write(s, body);
        return s;
    }

    private void write(Socket s, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /api/v1/mags-jobs/dev/exec HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + server.token("alice") + "\r\nContent-Type: application/json\r\nAccept: application/x-ndjson\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n";
        s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
    }

    /** A one-object answer, by an ordinary client. */
    private String whole(String user, String name) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                server.url() + "/api/v1/mags-jobs/" + name + "/exec")).header("Authorization", "Bearer "
                + server.token(user)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"command\": \"true\"}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Wire reader(Socket s) throws IOException {
        return new Wire(new java.io.DataInputStream(s.getInputStream()));
    }

    private static List<String> headers(Wire in) throws IOException {
        List<String> headers = new ArrayList<>();
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
            headers.add(line.toLowerCase(java.util.Locale.ROOT));
        }
        return headers;
    }

    /** The chunked body's JSON lines (chunk sizes count bytes; a line may span chunks). */
    private static List<JsonNode> lines(Wire in) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(in.readLine().strip(), 16);
            if (size == 0) {
                break;
            }
            byte[] chunk = new byte[size];
            in.in().readFully(chunk);
            body.writeBytes(chunk);
            in.readLine();
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.toString(StandardCharsets.UTF_8).split("\n")) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    /** HTTP/1.1 read byte by byte: lines of ASCII, bodies of bytes. */
    private record Wire(java.io.DataInputStream in) {
        String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) >= 0; ) {
                if (c == '\n') {
                    return line.toString().stripTrailing();
                }
                line.append((char) c);
            }
            return line.isEmpty() ? null : line.toString();
        }
    }
}
