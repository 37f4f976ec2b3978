package dev.mags.cli;

import static dev.mags.sdk.FakeMagsServer.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.sdk.FakeMagsServer;
import dev.mags.testkit.FreePort;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    private static final String JOBS = "/api/v1/mags-jobs";
    private static final String EVENTS = "/api/v1/mags-jobs/j1/events";
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private void jobEnds(String finalJob, String... lines) {
        cli.server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                long seq = 0;
                for (String line : lines) {
                    int colon = line.indexOf(':');
                    sse.log(++seq, line.substring(0, colon), line.substring(colon + 1));
                }
                sse.status(finalJob);
            }
        });
    }

    @Test
    void mapsEveryFlagOntoItsRequestField() throws Exception {
        jobEnds(job("j1", "completed", 0, null));

        CliFixture.Result result = cli.run("run", "-w", "proj", "--job-name", "build", "-p", "--base", "golden",
                "--disk", "5", "--no-sleep", "--startup-command", "python3 app.py",
                "--env", "A=1", "--env", "B=x=y", "--timeout", "60", "echo", "hi");

        assertThat(result.exit()).isZero();
        assertThat(JSON.readTree(cli.server.single("POST", JOBS).body())).isEqualTo(JSON.readTree("""
                {"script": "echo hi", "type": "inline", "name": "build", "workspace_id": "proj",
                 "base_workspace_id": "golden", "persistent": true, "no_sleep": true,
                 "startup_command": "python3 app.py", "environment": {"A": "1", "B": "x=y"},
                 "disk_gb": 5, "timeout_seconds": 60}"""));
    }

    @Test
    void dashNIsTheWorkspaceAsTheReferenceHasIt() throws Exception {
        jobEnds(job("j1", "completed", 0, null));

        assertThat(cli.run("run", "-n", "proj", "-p", "echo hi").exit()).isZero();

        assertThat(JSON.readTree(cli.server.single("POST", JOBS).body())).isEqualTo(JSON.readTree("""
                {"script": "echo hi", "type": "inline", "name": "proj", "workspace_id": "proj", "persistent": true}"""));
    }

    @Test
    void sleepSettingsNeedPersistent() {
        for (String[] args : new String[][] {{"run", "--no-sleep", "true"}, {"run", "--startup-command", "x", "true"}}) {
            CliFixture.Result r = cli.run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).contains("requires -p");
        }
        assertThat(cli.server.requests()).isEmpty();
    }

    @Test
    void sendsOnlyScriptAndTypeWithoutFlags() throws Exception {
        jobEnds(job("j1", "completed", 0, null));

        cli.run("run", "echo hi");

        assertThat(JSON.readTree(cli.server.single("POST", JOBS).body()))
                .isEqualTo(JSON.readTree("{\"script\":\"echo hi\",\"type\":\"inline\"}"));
        assertThat(cli.server.single("POST", JOBS).header("Authorization")).isEqualTo("Bearer tok");
    }

    @Test
    void workspaceNamesTheJobAndEphemeralIsSent() throws Exception {
        jobEnds(job("j1", "completed", 0, null));

        cli.run("run", "-w", "proj", "true");
        cli.run("run", "-e", "true");

        assertThat(cli.server.requests("POST", JOBS)).extracting(r -> JSON.readTree(r.body())).containsExactly(
                JSON.readTree("{\"script\":\"true\",\"type\":\"inline\",\"name\":\"proj\",\"workspace_id\":\"proj\"}"),
                JSON.readTree("{\"script\":\"true\",\"type\":\"inline\",\"ephemeral\":true}"));
    }

    @Test
    void aLimitTheJobHitIsNamedBesideItsExitCode() {
        jobEnds(job("j1", "error", 137, "out of memory (limit 64 MiB)"), "stdout:allocating");

        CliFixture.Result result = cli.run("run", "head -c 300m /dev/zero | tail");

        assertThat(result.exit()).isEqualTo(137);
        assertThat(result.out()).isEqualTo("allocating\n");
        assertThat(result.err()).isEqualTo("mags: job j1: out of memory (limit 64 MiB)\n");
    }

    @Test
    void printsEachStreamWhereItBelongsAndExitsWithTheScriptsCode() {
        jobEnds(job("j1", "error", 3, "script exited with code 3"),
                "stdout:hello", "stderr:warning", "system:pulling image", "stdout:bye");

        CliFixture.Result result = cli.run("run", "echo hello; echo warning >&2; exit 3");

        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.out()).isEqualTo("hello\nbye\n");
        assertThat(result.err()).isEqualTo("warning\nmags: pulling image\n");
    }

    @Test
    void completedJobExitsZero() {
        jobEnds(job("j1", "completed", 0, null), "stdout:ok");

        assertThat(cli.run("run", "echo ok").exit()).isZero();
    }

    @Test
    void jobErrorWithoutExitCodeIs125() {
        jobEnds(job("j1", "error", null, "base image 'debian' is not built"));

        CliFixture.Result result = cli.run("run", "echo hi");

        assertThat(result.exit()).isEqualTo(125);
        assertThat(result.err()).isEqualTo("mags: job j1 failed: base image 'debian' is not built\n");
    }

    @Test
    void timedOutJobIs124() {
        jobEnds(job("j1", "error", 137, "timed out after 5s"), "stdout:working");

        CliFixture.Result result = cli.run("run", "--timeout", "5", "sleep 60");

        assertThat(result.exit()).isEqualTo(124);
        assertThat(result.err()).isEqualTo("mags: job j1 timed out after 5s\n");
    }

    @Test
    void refusedSubmissionIs125WithTheServersMessage() {
        cli.server.json("POST", JOBS, 400,
                "{\"error\":{\"code\":\"invalid_request\",\"message\":\"field 'disk_gb' is not supported yet\"}}");

        CliFixture.Result result = cli.run("run", "--disk", "5", "ls");

        assertThat(result.exit()).isEqualTo(125);
        assertThat(result.err()).isEqualTo("mags: field 'disk_gb' is not supported yet\n");
    }

    @Test
    void unreachableServerIs125AndNamesTheUrl() {
        String url = "http://127.0.0.1:" + FreePort.pick();
        cli.env.put("MAGS_API_URL", url);

        CliFixture.Result result = cli.run("run", "ls");

        assertThat(result.exit()).isEqualTo(125);
        assertThat(result.err()).startsWith("mags: cannot reach the mags server at " + url);
        assertThat(result.err().lines()).hasSize(1);
    }

    @Test
    void unknownFlagIsAShortUsageError() {
        CliFixture.Result result = cli.run("run", "--bogus", "ls");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("mags: Unknown option: '--bogus'\nTry 'mags run --help' for more information.\n");
        assertThat(cli.server.requests()).isEmpty();
    }

    @Test
    void missingScriptIsAUsageError() {
        CliFixture.Result result = cli.run("run", "-p");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).startsWith("mags: Missing required parameter: 'SCRIPT'");
    }

    @Test
    void conflictingFlagsAreUsageErrors() {
        assertThat(cli.run("run", "-e", "-w", "x", "ls").err()).startsWith("mags: -e/--ephemeral cannot be combined");
        assertThat(cli.run("run", "--no-sleep", "ls").exit()).isEqualTo(2);
        assertThat(cli.server.requests()).isEmpty();
    }

    @Test
    void aFileThatCannotBeReadIsAUsageErrorAndNothingIsSent() {
        CliFixture.Result upload = cli.run("run", "-f", home.resolve("nope.csv").toString(), "ls");

        assertThat(upload.exit()).isEqualTo(2);
        assertThat(upload.err()).contains("-f " + home.resolve("nope.csv") + ": not a readable file");
        assertThat(cli.server.requests()).isEmpty();
    }

    @Test
    void filesAreUploadedAsMultipartThenNamedInTheJob() throws Exception {
        java.nio.file.Path analyze = java.nio.file.Files.writeString(home.resolve("analyze.py"), "print('hi')\n");
        java.nio.file.Path data = java.nio.file.Files.writeString(home.resolve("data.csv"), "a,b\n1,2\n");
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        cli.server.on("POST", "/api/v1/mags-files", (request, exchange) -> {
            bodies.add(request.header("Content-Type") + "\n" + request.body());
            String id = "f" + n.incrementAndGet();
            byte[] answer = ("{\"file_id\":\"" + id + "\",\"file_ids\":[\"" + id + "\"],\"files\":[]}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        jobEnds(job("j1", "completed", 0, null));

        CliFixture.Result result = cli.run("run", "-f", analyze.toString(), "-f", data.toString(), "python3 analyze.py");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(0)).startsWith("multipart/form-data; boundary=")
                .contains("Content-Disposition: form-data; name=\"file\"; filename=\"analyze.py\"")
                .contains("\r\n\r\nprint('hi')\n\r\n--");
        assertThat(bodies.get(1)).contains("filename=\"data.csv\"").contains("a,b\n1,2\n");
        assertThat(JSON.readTree(cli.server.single("POST", JOBS).body()).get("file_ids"))
                .isEqualTo(JSON.readTree("[\"f1\", \"f2\"]"));
    }

    @Test
    void missingTokenIsExplained() {
        cli.env.remove("MAGS_API_TOKEN");

        CliFixture.Result result = cli.run("run", "ls");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("mags: no API token; run 'mags login' or set MAGS_API_TOKEN\n");
    }

    @Test
    void interruptStopsTheJobAndExits130() throws Exception {
        AtomicReference<Runnable> onInterrupt = new AtomicReference<>();
        cli.interrupts = action -> {
            onInterrupt.set(action);
            return () -> onInterrupt.set(null);
        };
        CountDownLatch stopped = new CountDownLatch(1);
        cli.server.on("POST", "/api/v1/mags-jobs/j1/stop", (request, exchange) -> {
            stopped.countDown();
            FakeMagsServer.reply(exchange, 200, job("j1", "running", null, null));
        });
        cli.server.on("GET", EVENTS, (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.log(1, "stdout", "started");
                Thread.ofVirtual().start(onInterrupt.get());   // the user presses Ctrl-C
                stopped.await(5, TimeUnit.SECONDS);
                sse.status(job("j1", "error", null, "stopped by user"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        CliFixture.Result result = cli.run("run", "sleep 1000");

        assertThat(result.exit()).isEqualTo(130);
        assertThat(result.out()).isEqualTo("started\n");
        assertThat(result.err()).isEqualTo("mags: stopping job j1\n");
        assertThat(cli.server.requests("POST", "/api/v1/mags-jobs/j1/stop")).hasSize(1);
        assertThat(onInterrupt.get()).as("hook removed after the run").isNull();
    }

    @Test
    void helpDocumentsTheExitCodes() {
        CliFixture.Result result = cli.run("run", "--help");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("Exit status:", "124", "125", "130", "-w, -n, --name, --workspace=NAME", "--env=KEY=VALUE");
    }
}
