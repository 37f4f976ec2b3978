package dev.mags.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.testkit.FreePort;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MagsErrorsTest {
    private final FakeMagsServer server = FakeMagsServer.start();
    private final Mags mags = Mags.builder().baseUrl(server.uri()).token("tok").requestTimeout(Duration.ofMillis(500)).build();

    @AfterEach
    void tearDown() {
        mags.close();
        server.close();
    }

    @Test
    void jsonErrorBodyGivesStatusCodeAndMessage() {
        server.json("GET", "/api/v1/mags-jobs/nope/status", 404,
                "{\"error\":{\"code\":\"not_found\",\"message\":\"job 'nope' not found\"}}");

        assertThatThrownBy(() -> mags.status("nope"))
                .isInstanceOfSatisfying(MagsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("not_found");
                    assertThat(e.getMessage()).isEqualTo("job 'nope' not found");
                });
    }

    @Test
    void nonJsonErrorBodyFallsBackToStatusAndBody() {
        server.on("GET", "/api/v1/me", (request, exchange) -> {
            byte[] html = "<html><body>Bad Gateway</body></html>".getBytes();
            exchange.sendResponseHeaders(502, html.length);
            exchange.getResponseBody().write(html);
        });

        assertThatThrownBy(mags::whoami)
                .isInstanceOfSatisfying(MagsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.code()).isEqualTo("http_502");
                    assertThat(e.getMessage()).startsWith("HTTP 502 from GET " + server.uri() + "/api/v1/me")
                            .contains("Bad Gateway");
                });
    }

    @Test
    void aRefusedTokenOnAPostWithABodySaysUnauthorizedAndWhatToDo() {
        server.json("POST", "/api/v1/mags-jobs", 401,
                "{\"error\":{\"code\":\"unauthorized\",\"message\":\"invalid API token\"}}");

        // A request with a body is streamed (sent once), and the JDK's connection drops a streamed request's 401
        // body; the server's only code for a 401 is the one the caller gets.
        assertThatThrownBy(() -> mags.run("echo hi"))
                .isInstanceOfSatisfying(MagsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.code()).isEqualTo("unauthorized");
                    assertThat(e.getMessage()).contains("refused the API token").contains("MAGS_API_TOKEN");
                });
    }

    @Test
    void aJobWhoseAnswerIsLostIsSentOnceAndItsOutcomeIsUnknown() {
        // The JDK's connection sends a buffered POST again on a new connection when the first closes without an
        // answer: a job would start twice. The server here keeps listening, so a second request would arrive.
        try (LostAnswerServer dying = LostAnswerServer.startListening();
                Mags client = Mags.builder().baseUrl(dying.uri()).token("tok").build()) {
            assertThatThrownBy(() -> client.run("echo once")).isInstanceOf(MagsOutcomeUnknownException.class);
            assertThatThrownBy(() -> client.exec("ws", "echo once")).isInstanceOf(MagsOutcomeUnknownException.class);

            assertThat(dying.requestLines()).containsExactly("POST /api/v1/mags-jobs HTTP/1.1",
                    "POST /api/v1/mags-jobs/ws/exec HTTP/1.1");
        }
    }

    @Test
    void emptyErrorBodyStillNamesTheStatus() {
        server.json("POST", "/api/v1/mags-jobs/j/stop", 403, "");

        assertThatThrownBy(() -> mags.stop("j"))
                .isInstanceOf(MagsApiException.class)
                .hasMessage("HTTP 403 from POST " + server.uri() + "/api/v1/mags-jobs/j/stop");
    }

    @Test
    void unreadableSuccessIsABadResponse() {
        server.json("GET", "/api/v1/me", 200, "not json");

        assertThatThrownBy(mags::whoami)
                .isInstanceOfSatisfying(MagsApiException.class,
                        e -> assertThat(e.code()).isEqualTo(MagsApiException.BAD_RESPONSE));
    }

    @Test
    void unreachableServerNamesTheUrl() {
        String url = "http://127.0.0.1:" + FreePort.pick();
        try (Mags offline = Mags.builder().baseUrl(url).token("tok").build()) {
            assertThatThrownBy(offline::whoami)
                    .isInstanceOf(MagsConnectionException.class)
                    .hasMessageStartingWith("cannot reach the mags server at " + url + ": ")
                    .extracting(e -> ((MagsException) e).code()).isEqualTo("connection_failed");
        }
    }

    @Test
    void aSyncWhoseAnswerIsLostSaysTheOutcomeIsUnknownNotThatTheServerIsUnreachable() {
        try (LostAnswerServer dying = LostAnswerServer.start();
                Mags client = Mags.builder().baseUrl(dying.uri()).token("tok").build()) {
            assertThatThrownBy(() -> client.sync("ws"))
                    .isInstanceOfSatisfying(MagsOutcomeUnknownException.class, e -> {
                        assertThat(e.code()).isEqualTo("outcome_unknown");
                        assertThat(e.getMessage()).startsWith("POST " + dying.uri() + "/api/v1/mags-jobs/ws/sync got no answer")
                                .endsWith("the server may or may not have carried it out")
                                .doesNotContain("cannot reach");
                    });
            assertThat(dying.requestLines()).containsExactly("POST /api/v1/mags-jobs/ws/sync HTTP/1.1");
        }
    }

    @Test
    void aReadWhoseAnswerIsLostIsAConnectionFailure() {
        try (LostAnswerServer dying = LostAnswerServer.start();
                Mags client = Mags.builder().baseUrl(dying.uri()).token("tok").build()) {
            assertThatThrownBy(client::whoami).isInstanceOf(MagsConnectionException.class);
        }
    }

    @Test
    void aChangeThatNeverReachedTheServerSaysItCannotReachIt() {
        String url = "http://127.0.0.1:" + FreePort.pick();
        try (Mags offline = Mags.builder().baseUrl(url).token("tok").build()) {
            assertThatThrownBy(() -> offline.sync("ws"))
                    .isInstanceOf(MagsConnectionException.class)
                    .hasMessageStartingWith("cannot reach the mags server at " + url + ": ");
        }
    }

    @Test
    void slowAnswerIsATimeout() {
        server.on("GET", "/api/v1/me", (request, exchange) -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        assertThatThrownBy(mags::whoami)
                .isInstanceOf(MagsTimeoutException.class)
                .hasMessageContaining("no answer from GET " + server.uri() + "/api/v1/me within 500ms");
    }

    @Test
    void builderNamesEveryProblemAtOnce() {
        assertThatThrownBy(() -> Mags.builder().requestTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baseUrl is required")
                .hasMessageContaining("token is required")
                .hasMessageContaining("requestTimeout must be a positive duration");
        assertThatThrownBy(() -> Mags.builder().baseUrl("ftp://x").token("t").build())
                .hasMessageContaining("http:// or https://");
    }

    @Test
    void closingTwiceIsHarmless() {
        mags.close();
        mags.close();
    }
}
