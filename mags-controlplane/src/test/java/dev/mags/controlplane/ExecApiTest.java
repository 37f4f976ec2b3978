package dev.mags.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.exec.ExecLimits;
import dev.mags.controlplane.testing.HostSandbox;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /mags-jobs/{id}/exec} answered with one JSON object, in sandboxes of host processes. */
class ExecApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A guard against a hang, not a measure. */
    static final Duration GUARD = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    ExecServer server;
    HostSandbox dev;
    final HttpClient http = HttpClient.newHttpClient();

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
    void exitCodesAndStatus() throws Exception {
        JsonNode ok = exec("alice", "dev", "{\"command\": \"true\"}", 200);
        assertThat(ok.get("exit_code").asInt()).isZero();
        assertThat(ok.get("status").asText()).isEqualTo("completed");
        assertThat(ok.get("message").isNull()).isTrue();

        JsonNode three = exec("alice", "dev", "{\"command\": \"exit 3\"}", 200);
        assertThat(three.get("exit_code").asInt()).isEqualTo(3);
        assertThat(three.get("status").asText()).isEqualTo("error");
        assertThat(three.get("reason").asText()).isEqualTo("exited");
        assertThat(three.get("message").asText()).isEqualTo("command exited with code 3");
        // released once each answer is written, so possibly just after the client read it
        await().atMost(GUARD).until(() -> server.released.size() == 2);
        assertThat(server.released).containsOnly(userId("alice") + "/dev");
    }

    @Test
    void stdoutAndStderrApartAndTogether() throws Exception {
        JsonNode r = exec("alice", "dev", "{\"command\": \"echo out; echo err >&2; echo 'é ✓'\"}", 200);
        assertThat(r.get("stdout").asText()).isEqualTo("out\né ✓\n");
        assertThat(r.get("stderr").asText()).isEqualTo("err\n");
        assertThat(r.get("output").asText()).contains("out\n", "err\n", "é ✓\n").hasSize(12);
        assertThat(r.get("truncated").asBoolean()).isFalse();
    }

    @Test
    void argvStdinEnvironmentAndWorkingDirectory() throws Exception {
        Files.createDirectories(dev.dir().resolve("srv/app"));
        JsonNode cat = exec("alice", "dev", "{\"argv\": [\"cat\"], \"stdin\": \"line one\\nline two\\n\"}", 200);
        assertThat(cat.get("stdout").asText()).isEqualTo("line one\nline two\n");

        JsonNode env = exec("alice", "dev", "{\"argv\": [\"sh\", \"-c\", \"echo $GREETING; pwd\"],"
                + " \"environment\": {\"GREETING\": \"hi there\"}, \"cwd\": \"/srv/app\"}", 200);
        assertThat(env.get("stdout").asText()).isEqualTo("hi there\n" + dev.dir().resolve("srv/app") + "\n");
        assertThat(dev.specs.getLast().cwd()).isEqualTo("/srv/app");

        JsonNode noStdin = exec("alice", "dev", "{\"argv\": [\"cat\"]}", 200);
        assertThat(noStdin.get("stdout").asText()).isEmpty();
        assertThat(noStdin.get("exit_code").asInt()).isZero();
    }

    @Test
    void aTimeoutEndsTheCommand() throws Exception {
        JsonNode r = exec("alice", "dev", "{\"argv\": [\"sleep\", \"100\"], \"timeout\": 1}", 200);
        assertThat(r.get("status").asText()).isEqualTo("error");
        assertThat(r.get("reason").asText()).isEqualTo("timed_out");
        assertThat(r.get("exit_code").isNull()).isTrue();
        assertThat(r.get("message").asText()).startsWith("timed out");
        assertThat(dev.specs.getLast().timeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anotherUsersNameIsNotFoundLikeAnUnknownOne() throws Exception {
        server.sandbox("bob", "secret");
        JsonNode foreign = exec("alice", "secret", "{\"command\": \"id\"}", 404);
        JsonNode unknown = exec("alice", "nothing", "{\"command\": \"id\"}", 404);
        assertThat(foreign.at("/error/code").asText()).isEqualTo(unknown.at("/error/code").asText())
                .isEqualTo("not_found");
        assertThat(foreign.at("/error/message").asText()).contains("'secret'", "mags list");
        assertThat(server.sandbox("bob", "secret").specs).isEmpty();
        assertThat(exec("bob", "secret", "{\"command\": \"true\"}", 200).get("status").asText())
                .isEqualTo("completed");
    }

    @Test
    void badRequestsAreRefusedWithWhatIsWrong() throws Exception {
        assertRefused("{\"command\": 1}", "invalid_field", "'command' must be");
        assertRefused("{}", "invalid_field", "exactly one of 'command'");
        assertRefused("{\"command\": \"ls\", \"argv\": [\"ls\"]}", "invalid_field", "exactly one");
        assertRefused("{\"command\": \"ls\", \"shell\": true}", "unknown_field", "shell");
        assertRefused("{\"command\": \"ls\", \"tty\": true}", "invalid_field", "WebSocket");
        assertRefused("{\"argv\": []}", "invalid_field", "'argv'");
        assertRefused("{\"command\": \"ls\", \"timeout\": 0}", "invalid_field", "'timeout'");
        assertRefused("{\"command\": \"ls\", \"cwd\": \"tmp\"}", "invalid_field", "'cwd'");
        assertRefused("{\"command\": \"ls\", \"environment\": {\"A-B\": \"x\"}}", "invalid_field", "A-B");
        assertRefused("{\"command\": \"ls\"} {}", "invalid_json", "");
        assertThat(dev.specs).isEmpty();
    }

    @Test
    void theAnswerKeepsABoundedAmountOfOutput() throws Exception {
        server.close();
        server = new ExecServer(dir.resolve("small"), ExecLimits.defaults(Duration.ofHours(1)).withAnswerBytes(1000),
                true);
        server.sandbox("alice", "dev");
        JsonNode r = exec("alice", "dev", "{\"command\": \"yes abcd | head -c 100000; echo done >&2\"}", 200);
        assertThat(r.get("exit_code").asInt()).isZero();
        assertThat(r.get("truncated").asBoolean()).isTrue();
        assertThat(r.get("output").asText()).hasSize(1000);
        assertThat(r.get("stdout").asText()).startsWith("abcd\nabcd\n");
        assertThat(r.get("message").asText()).contains("truncated", "1000", "x-ndjson");
    }

    @Test
    void twentyConcurrentExecsInOneSandbox() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                answers.add(pool.submit(() -> exec("alice", "dev", "{\"command\": \"sleep 0.5; echo " + n + "\"}",
                        200)));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(answers.get(i).get().get("stdout").asText()).isEqualTo(i + "\n");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.controlPlane()).isNotNull();
    }

    @Test
    void withoutAResolverExecIsUnavailable() throws Exception {
        server.close();
        server = new ExecServer(dir.resolve("off"), ExecLimits.defaults(Duration.ofHours(1)), false);
        server.sandbox("alice", "dev");
        JsonNode r = exec("alice", "dev", "{\"command\": \"true\"}", 503);
        assertThat(r.at("/error/code").asText()).isEqualTo("exec_unavailable");
    }

    @Test
    void anUnauthenticatedCallerIsRefused() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("dev")).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"command\": \"true\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(dev.specs).isEmpty();
    }

    private void assertRefused(String body, String code, String words) throws Exception {
        JsonNode r = exec("alice", "dev", body, 400);
        assertThat(r.at("/error/code").asText()).as(body).isEqualTo(code);
        assertThat(r.at("/error/message").asText()).as(body).contains(words);
    }

    private String userId(String user) {
        return server.controlPlane().tokens().authenticate("Bearer " + server.token(user)).userId();
    }

    private URI uri(String name) {
        return URI.create(server.url() + "/api/v1/mags-jobs/" + name + "/exec");
    }

    JsonNode exec(String user, String name, String body, int status) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(name)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + server.token(user)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(r.body());
    }
}
