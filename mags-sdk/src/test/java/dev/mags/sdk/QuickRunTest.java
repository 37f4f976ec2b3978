package dev.mags.sdk;

import static dev.mags.sdk.FakeMagsServer.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.api.LogEntry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link QuickRun} against a stand-in server: the same requests, answers and failures as {@link Mags}. */
class QuickRunTest {
    private static final String JOBS = "/api/v1/mags-jobs";
    private static final String EVENTS = "/api/v1/mags-jobs/j1/events";

    private final FakeMagsServer server = FakeMagsServer.start();
    private final QuickRun quick = Mags.builder().baseUrl(server.uri()).token("tok")
            .reconnectBackoff(Duration.ofMillis(10)).reconnectAttempts(2).buildQuickRun();
    private final List<LogEntry> lines = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        quick.close();
        server.close();
    }

    @Test
    void submitsAnInlineScriptAndFollowsItToTheEnd() {
        server.json("POST", JOBS, 202, "{\"request_id\":\"j1\",\"status\":\"accepted\"}");
        server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.log(1, "stdout", "hello").comment().log(2, "stderr", "warn").status(job("j1", "error", 3, "x"));
            }
        });

        assertThat(quick.run("echo \"hi\"").requestId()).isEqualTo("j1");
        JobInfo end = quick.follow("j1", 0, lines::add);

        assertThat(end.status()).isEqualTo(JobStatus.ERROR);
        assertThat(end.exitCode()).isEqualTo(3);
        assertThat(lines).extracting(LogEntry::message).containsExactly("hello", "warn");
        FakeMagsServer.Request post = server.single("POST", JOBS);
        assertThat(post.body()).isEqualTo("{\"script\":\"echo \\\"hi\\\"\",\"type\":\"inline\"}");
        assertThat(post.header("Authorization")).isEqualTo("Bearer tok");
        assertThat(post.header("User-Agent")).isEqualTo(QuickRun.USER_AGENT);
        assertThat(server.single("GET", EVENTS).query()).isEqualTo("after=0");
    }

    @Test
    void aMalformedEventEndsTheFollowWithTheSdksErrorAfterTheLinesBeforeIt() {
        server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.log(1, "stdout", "one").raw("event: log\ndata: {\"seq\":2,\"message\":\"two\"\n\n")
                        .status(job("j1", "completed", 0, null));
            }
        });

        assertThatThrownBy(() -> quick.follow("j1", 0, lines::add))
                .isInstanceOfSatisfying(MagsApiException.class, e -> assertThat(e.code()).isEqualTo(MagsApiException.BAD_RESPONSE))
                .hasMessageStartingWith("unreadable log event from " + server.uri() + EVENTS);
        assertThat(lines).extracting(LogEntry::message).containsExactly("one");
    }

    @Test
    void aRefusalCarriesTheServersCodeAndMessage() {
        server.json("POST", JOBS, 403, "{\"error\":{\"code\":\"forbidden\",\"message\":\"this token may not run jobs\"}}");

        assertThatThrownBy(() -> quick.run("true"))
                .isInstanceOfSatisfying(MagsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.code()).isEqualTo("forbidden");
                })
                .hasMessage("this token may not run jobs");
    }

    @Test
    void aRefusedTokenCarriesTheServersCode() {
        server.json("POST", JOBS, 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"invalid API token\"}}");

        assertThatThrownBy(() -> quick.run("true"))
                .isInstanceOfSatisfying(MagsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.code()).isEqualTo("unauthorized");
                })
                .hasMessage("invalid API token");
    }

    @Test
    void aSubmissionWhoseAnswerIsLostIsSentOnceAndSaysSo() {
        try (LostAnswerServer dying = LostAnswerServer.start();
                QuickRun client = Mags.builder().baseUrl(dying.uri()).token("tok").buildQuickRun()) {
            assertThatThrownBy(() -> client.run("true")).isInstanceOf(MagsOutcomeUnknownException.class);
            assertThat(dying.requestLines()).containsExactly("POST /api/v1/mags-jobs HTTP/1.1");
        }
        server.on("POST", JOBS, (request, exchange) -> exchange.close());   // taken, then the connection drops, listening on

        assertThatThrownBy(() -> quick.run("true")).isInstanceOf(MagsOutcomeUnknownException.class);
        assertThat(server.requests("POST", JOBS)).hasSize(1);
    }

    @Test
    void aServerThatIsDownIsNamed() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;

        try (QuickRun down = Mags.builder().baseUrl(url).token("tok").buildQuickRun()) {
            assertThatThrownBy(() -> down.run("true")).isInstanceOf(MagsConnectionException.class)
                    .hasMessageStartingWith("cannot reach the mags server at " + url);
        }
    }

    @Test
    void stopsAJob() {
        server.json("POST", "/api/v1/mags-jobs/j1/stop", 200, job("j1", "error", null, "stopped"));

        assertThat(quick.stop("j1").errorMessage()).isEqualTo("stopped");
        assertThat(server.single("POST", "/api/v1/mags-jobs/j1/stop").header("User-Agent")).isEqualTo(QuickRun.USER_AGENT);
    }
}
