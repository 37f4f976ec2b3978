package dev.mags.cli;

import static dev.mags.sdk.FakeMagsServer.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.sdk.FakeMagsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direct path of a plain {@code mags run SCRIPT} (no picocli, the SDK's {@code QuickRun} without
 * Jackson's data binding), told apart from the full command by the User-Agent each sends.
 */
class DirectRunTest {
    private static final String JOBS = "/api/v1/mags-jobs";
    private static final String EVENTS = "/api/v1/mags-jobs/j1/events";
    private static final String DIRECT = "mags-java-sdk-quick";
    private static final String SDK = "mags-java-sdk";

    @TempDir
    Path home;

    private CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(home).acceptJobs("j1");
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    private void jobEndsWith(String line) {
        cli.server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.comment().log(1, "stdout", line).status(job("j1", "completed", 0, null));
            }
        });
    }

    @Test
    void aPlainRunPostsAndFollowsThroughTheQuickRun() {
        jobEndsWith("hi");

        CliFixture.Result result = cli.run("run", "echo", "hi");

        assertThat(result).isEqualTo(new CliFixture.Result(0, "hi\n", ""));
        FakeMagsServer.Request post = cli.server.single("POST", JOBS);
        assertThat(post.header("User-Agent")).isEqualTo(DIRECT);
        assertThat(post.header("Authorization")).isEqualTo("Bearer tok");
        assertThat(post.body()).isEqualTo("{\"script\":\"echo hi\",\"type\":\"inline\"}");
        assertThat(cli.server.single("GET", EVENTS).header("User-Agent")).isEqualTo(DIRECT);
    }

    @Test
    void theSavedConfigIsReadToo() throws Exception {
        jobEndsWith("hi");
        cli.env.remove("MAGS_API_URL");
        cli.env.remove("MAGS_API_TOKEN");
        Files.createDirectories(home.resolve(".mags"));
        Files.writeString(home.resolve(".mags/config.json"),
                "{\"api_url\": \"" + cli.server.uri() + "\", \"api_token\": \"saved\", \"other\": [1]}");

        assertThat(cli.run("run", "true").exit()).isZero();
        assertThat(cli.server.single("POST", JOBS).header("Authorization")).isEqualTo("Bearer saved");
        assertThat(cli.server.single("POST", JOBS).header("User-Agent")).isEqualTo(DIRECT);
    }

    @Test
    void anyOptionLeavesTheRunToTheFullCommand() {
        jobEndsWith("hi");

        for (List<String> args : List.of(List.of("run", "-e", "true"), List.of("run", "--", "true"),
                List.of("--debug", "run", "true"), List.of("run", "true", "--timeout", "5"))) {
            assertThat(cli.run(args.toArray(String[]::new)).exit()).as(args.toString()).isZero();
        }

        assertThat(cli.server.requests("POST", JOBS)).extracting(r -> r.header("User-Agent")).containsOnly(SDK);
    }

    @Test
    void aBrokenStreamIsResumedAfterTheLastLineShown() {
        AtomicInteger streams = new AtomicInteger();
        cli.server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                if (streams.incrementAndGet() == 1) {
                    sse.log(1, "stdout", "one");   // then the connection drops
                } else {
                    sse.log(1, "stdout", "one").log(2, "stderr", "two").status(job("j1", "error", 4, "script exited with code 4"));
                }
            }
        });

        CliFixture.Result result = cli.run("run", "work");

        assertThat(result).isEqualTo(new CliFixture.Result(4, "one\n", "two\n"));
        List<FakeMagsServer.Request> gets = cli.server.requests("GET", EVENTS);
        assertThat(gets).extracting(r -> r.header("User-Agent")).containsExactly(DIRECT, DIRECT);
        assertThat(gets.get(1).queryParams()).containsEntry("after", "1");
        assertThat(cli.server.requests("POST", JOBS)).hasSize(1);
    }

    @Test
    void aRefusedSubmissionIsReportedByTheFullCommand() {
        cli.server.json("POST", JOBS, 403,
                "{\"error\":{\"code\":\"forbidden\",\"message\":\"this token may not run jobs\"}}");

        CliFixture.Result result = cli.run("run", "ls");

        assertThat(result.exit()).isEqualTo(125);
        assertThat(result.err()).isEqualTo("mags: this token may not run jobs\n");
        assertThat(cli.server.requests("POST", JOBS)).extracting(r -> r.header("User-Agent")).containsExactly(DIRECT, SDK);
    }

    @Test
    void aSubmissionWithoutAnAnswerIsNeverSentTwice() {
        cli.server.on("POST", JOBS, (request, exchange) -> exchange.close());   // taken, then the connection drops

        CliFixture.Result result = cli.run("run", "ls");

        assertThat(result.exit()).isEqualTo(125);
        assertThat(result.err()).startsWith("mags: lost the connection to " + cli.server.uri()
                + " while submitting the job, which may have started (see 'mags list')");
        assertThat(cli.server.requests("POST", JOBS)).hasSize(1);
    }

    @Test
    void aMalformedEventEndsTheRunWith125AfterTheLinesBeforeIt() {
        cli.server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.log(1, "stdout", "one").raw("event: log\ndata: {\"seq\": \"two\"}\n\n")
                        .log(3, "stdout", "three").status(job("j1", "completed", 0, null));
            }
        });

        CliFixture.Result result = cli.run("run", "work");

        assertThat(result.exit()).isEqualTo(125);
        assertThat(result.out()).isEqualTo("one\n");
        assertThat(result.err()).startsWith("mags: unreadable log event from " + cli.server.uri() + EVENTS);
        assertThat(result.err().lines()).hasSize(1);
        assertThat(cli.server.requests("POST", JOBS)).extracting(r -> r.header("User-Agent")).containsExactly(DIRECT);
    }

    @Test
    void aWrongTokenIsReportedWithWhatToDo() {
        cli.server.json("POST", JOBS, 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"invalid API token\"}}");

        CliFixture.Result result = cli.run("run", "ls");

        assertThat(result).isEqualTo(new CliFixture.Result(125, "", "mags: the mags server at " + cli.server.uri()
                + " refused the API token (unknown, revoked, or its user is disabled); check MAGS_API_TOKEN or run"
                + " 'mags login'\n"));
        assertThat(cli.server.requests("POST", JOBS)).extracting(r -> r.header("User-Agent")).containsExactly(DIRECT, SDK);
    }

    @Test
    void anUnreadableAcceptanceIsNeverSentTwice() {
        cli.server.json("POST", JOBS, 202, "{\"status\":\"accepted\"}");

        CliFixture.Result result = cli.run("run", "ls");

        assertThat(result.exit()).isEqualTo(125);
        assertThat(result.err()).isEqualTo("mags: lost the connection to " + cli.server.uri() + " while submitting the job,"
                + " which may have started (see 'mags list'): the server's answer has no request_id\n");
        assertThat(cli.server.requests("POST", JOBS)).hasSize(1);
    }
}
