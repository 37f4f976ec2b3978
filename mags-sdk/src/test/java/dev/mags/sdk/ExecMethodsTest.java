package dev.mags.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.ExecEnd;
import dev.mags.api.ExecRequest;
import dev.mags.api.ExecResult;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SDK's exec: the one-object answer, and the streamed lines. */
class ExecMethodsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeMagsServer server = FakeMagsServer.start();
    private final Mags mags = Mags.builder().baseUrl(server.uri()).token("tok").build();

    @AfterEach
    void tearDown() {
        mags.close();
        server.close();
    }

    @Test
    void execSendsTheCommandAndReadsOutputAsTheReferenceSdksDo() throws Exception {
        server.json("POST", "/api/v1/mags-jobs/my-project/exec", 200, "{\"exit_code\":0,\"status\":\"completed\","
                + "\"reason\":\"exited\",\"message\":null,\"stdout\":\"a\\n\",\"stderr\":\"b\\n\","
                + "\"output\":\"a\\nb\\n\",\"truncated\":false}");

        ExecResult r = mags.exec("my-project", "ls -la /root");

        assertThat(r.output()).isEqualTo("a\nb\n");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("a\n");
        assertThat(r.stderr()).isEqualTo("b\n");
        assertThat(JSON.readTree(server.single("POST", "/api/v1/mags-jobs/my-project/exec").body()))
                .isEqualTo(JSON.readTree("{\"command\":\"ls -la /root\"}"));
    }

    @Test
    void execStreamingHandsOverEachLineThenTheEnd() {
        server.on("POST", "/api/v1/mags-jobs/dev/exec", (request, exchange) -> {
            exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(("{\"stream\":\"stdout\",\"data\":\"one\\n\"}\n{\"stream\":\"stderr\",\"data\":\"two\\n\"}\n"
                        + "{\"exit_code\":3,\"status\":\"error\",\"reason\":\"exited\",\"message\":\"command exited with"
                        + " code 3\"}\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        List<String> got = new ArrayList<>();

        ExecEnd end = mags.execStreaming("dev", ExecRequest.command("x").withTimeout(5), (s, d) -> got.add(s + ":" + d));

        assertThat(got).containsExactly("stdout:one\n", "stderr:two\n");
        assertThat(end).isEqualTo(new ExecEnd(3, "error", "exited", "command exited with code 3"));
        assertThat(server.single("POST", "/api/v1/mags-jobs/dev/exec").header("Accept")).isEqualTo("application/x-ndjson");
    }

    @Test
    void aStreamThatEndsBeforeItsEndLineIsAnUnknownOutcome() {
        server.on("POST", "/api/v1/mags-jobs/dev/exec", (request, exchange) -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("{\"stream\":\"stdout\",\"data\":\"one\\n\"}\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        assertThatThrownBy(() -> mags.execStreaming("dev", ExecRequest.command("x"), (s, d) -> { }))
                .isInstanceOf(MagsOutcomeUnknownException.class).hasMessageContaining("before the command's end");
    }

    @Test
    void anUnknownNameIsAnApiError() {
        server.json("POST", "/api/v1/mags-jobs/nope/exec", 404,
                "{\"error\":{\"code\":\"not_found\",\"message\":\"no job or workspace named 'nope' among yours\"}}");
        assertThatThrownBy(() -> mags.execStreaming("nope", ExecRequest.command("x"), (s, d) -> { }))
                .isInstanceOfSatisfying(MagsApiException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("no job or workspace named 'nope'");
    }
}
