package dev.mags.cli;

import static dev.mags.sdk.FakeMagsServer.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.sdk.FakeMagsServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, logs, list, stop, whoami, and the top level. */
class CommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(home);
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    private static String line(long seq, String source, String message) {
        return "{\"seq\":" + seq + ",\"timestamp\":\"2025-01-01T00:00:00Z\",\"source\":\"" + source
                + "\",\"message\":\"" + message + "\"}";
    }

    @Test
    void statusPrintsOneFieldPerLine() {
        cli.server.json("GET", "/api/v1/mags-jobs/j1/status", 200, job("j1", "completed", 0, null));

        CliFixture.Result result = cli.run("status", "j1");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("""
                ID:        j1
                Name:      -
                Status:    completed
                Exit code: 0
                Image:     debian
                Created:   2025-01-02 03:04:05
                Started:   2025-01-02 03:04:06
                Finished:  2025-01-02 03:04:08
                Duration:  2.5s
                Script:    echo hi
                """);
    }

    @Test
    void statusJsonIsTheWireFormat() throws Exception {
        cli.server.json("GET", "/api/v1/mags-jobs/j1/status", 200, job("j1", "running", null, null));

        CliFixture.Result result = cli.run("status", "--json", "j1");

        assertThat(JSON.readTree(result.out())).isEqualTo(JSON.readTree(job("j1", "running", null, null)));
    }

    @Test
    void unknownJobIsExit1WithTheServersMessage() {
        cli.server.json("GET", "/api/v1/mags-jobs/nope/status", 404,
                "{\"error\":{\"code\":\"not_found\",\"message\":\"job 'nope' not found\"}}");

        CliFixture.Result result = cli.run("status", "nope");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("mags: job 'nope' not found\n");
    }

    @Test
    void debugShowsTheStackTrace() {
        cli.server.json("GET", "/api/v1/mags-jobs/nope/status", 404,
                "{\"error\":{\"code\":\"not_found\",\"message\":\"job 'nope' not found\"}}");

        CliFixture.Result result = cli.run("status", "--debug", "nope");

        assertThat(result.err()).contains("dev.mags.sdk.MagsApiException: job 'nope' not found", "\tat ")
                .endsWith("mags: job 'nope' not found\n");
    }

    @Test
    void logsSplitsStreamsAndFetchesUntilNoMoreLines() {
        cli.server.on("GET", "/api/v1/mags-jobs/j1/logs", (request, exchange) -> {
            String after = request.queryParams().getOrDefault("after", "0");
            String lines = switch (after) {
                case "0" -> line(1, "stdout", "out one") + "," + line(2, "stderr", "err one");
                case "2" -> line(3, "stdout", "out two");
                default -> "";
            };
            FakeMagsServer.reply(exchange, 200, "{\"request_id\":\"j1\",\"status\":\"completed\",\"logs\":[" + lines + "]}");
        });

        CliFixture.Result result = cli.run("logs", "j1");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("out one\nout two\n");
        assertThat(result.err()).isEqualTo("err one\n");
        assertThat(cli.server.requests("GET", "/api/v1/mags-jobs/j1/logs"))
                .extracting(FakeMagsServer.Request::query).containsExactly(null, "after=2", "after=3");
    }

    @Test
    void logsFollowStreamsUntilTheJobEnds() {
        cli.server.on("GET", "/api/v1/mags-jobs/j1/events", (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.log(1, "stdout", "a").log(2, "stderr", "b").status(job("j1", "error", 1, "exit status 1"));
            }
        });

        CliFixture.Result result = cli.run("logs", "-f", "j1");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("a\n");
        assertThat(result.err()).isEqualTo("b\n");
    }

    @Test
    void listShowsATableAndAsksForThePage() {
        String longScript = "python3 -c 'print(1)'\\nfor i in $(seq 1 100); do echo $i; done";
        cli.server.json("GET", "/api/v1/mags-jobs", 200, "{\"jobs\":["
                + job("j2", "running", null, null) + ","
                + job("j1", "completed", 0, null).replace("\"echo hi\"", "\"" + longScript + "\"").replace("\"name\":null", "\"name\":\"build\"")
                + "],\"page\":2,\"page_size\":2,\"total\":5}");

        CliFixture.Result result = cli.run("list", "--page", "2", "--page-size", "2");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("""
                ID  STATUS     EXIT  CREATED              NAME   SCRIPT
                j2  running    -     2025-01-02 03:04:05  -      echo hi
                j1  completed  0     2025-01-02 03:04:05  build  python3 -c 'print(1)' for i in $(seq 1 …
                """);
        assertThat(result.err()).isEqualTo("(4 of 5 jobs; next: mags list --page 3)\n");
        assertThat(cli.server.single("GET", "/api/v1/mags-jobs").queryParams())
                .containsExactly(Map.entry("page", "2"), Map.entry("page_size", "2"));
    }

    @Test
    void stopReportsTheJobsState() {
        cli.server.json("POST", "/api/v1/mags-jobs/j1/stop", 200, job("j1", "error", null, "stopped"));

        CliFixture.Result result = cli.run("stop", "j1");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo("Job j1 is error.\n");
    }

    @Test
    void whoamiShowsUserAndServer() {
        cli.server.json("GET", "/api/v1/me", 200, "{\"user\":\"root\",\"admin\":true,\"token_prefix\":\"mags_12\"}");

        CliFixture.Result result = cli.run("whoami");

        assertThat(result.out()).isEqualTo("Logged in to " + cli.server.uri() + " as root (admin)\nToken: mags_12…\n");
    }

    @Test
    void versionAndHelpWorkEverywhere() {
        assertThat(cli.run("--version").out()).startsWith("mags 0.");
        for (String command : new String[] {"login", "logout", "whoami", "run", "status", "logs", "list", "stop"}) {
            CliFixture.Result help = cli.run(command, "--help");
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).startsWith("Usage: mags " + command);
        }
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliFixture.Result result = cli.run("frobnicate");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).startsWith("mags: Unmatched argument at index 0: 'frobnicate'");
        assertThat(cli.run().exit()).isEqualTo(2);
    }
}
