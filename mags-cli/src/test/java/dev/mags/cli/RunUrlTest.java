package dev.mags.cli;

import static dev.mags.sdk.FakeMagsServer.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.sdk.FakeMagsServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mags run -p --url}: it prints the URL once the script runs and returns while the sandbox serves. */
class RunUrlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOBS = "/api/v1/mags-jobs";
    private static final String STATUS = JOBS + "/j1/status";
    private static final String ACCESS = JOBS + "/j1/access";
    private static final String URL = "http://k3x9.localhost:8080";

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

    private static String running(Integer exitCode) {
        return job("j1", "running", exitCode, null).replaceFirst("}$", ",\"workspace_id\":\"webapp\"}");
    }

    /** The job is pending for {@code pendingPolls} status requests, then running. */
    private AtomicInteger startsAfter(int pendingPolls) {
        AtomicInteger polls = new AtomicInteger();
        cli.server.on("GET", STATUS, (request, exchange) -> FakeMagsServer.reply(exchange, 200,
                polls.incrementAndGet() <= pendingPolls ? job("j1", "pending", null, null) : running(null)));
        return polls;
    }

    private void accessAnswers(int port) {
        cli.server.json("POST", ACCESS, 200,
                "{\"success\":true,\"url\":\"" + URL + "\",\"port\":" + port + ",\"subdomain\":\"k3x9\"}");
    }

    @Test
    void urlWithoutPersistentIsAUsageErrorThatSaysWhatToAdd() {
        CliFixture.Result r = cli.run("run", "--url", "python3 -m http.server 8080");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("mags: --url needs -p: a URL serves a sandbox that stays; add -p\n"
                + "Try 'mags run --help' for more information.\n");
        assertThat(cli.server.requests()).isEmpty();
    }

    @Test
    void portAndFollowWithoutUrlAndPortsNoUrlServesAreUsageErrors() {
        String[][] lines = {
            {"run", "-p", "--port", "3000", "serve"}, {"run", "-p", "--follow", "serve"},
            {"run", "-p", "--url", "--port", "0", "serve"}, {"run", "-p", "--url", "--port", "65536", "serve"},
            {"run", "-p", "--url", "--port", "22", "serve"}};
        for (String[] args : lines) {
            CliFixture.Result r = cli.run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).startsWith("mags: ").contains("Try 'mags run --help'");
        }
        assertThat(cli.run("run", "-p", "--port", "3000", "serve").err()).contains("add --url");
        assertThat(cli.run("run", "-p", "--url", "--port", "22", "serve").err()).contains("mags ssh");
        assertThat(cli.server.requests()).isEmpty();
    }

    @Test
    void printsTheUrlAloneOnStdoutOnceTheScriptRunsAndReturns() throws Exception {
        AtomicInteger polls = startsAfter(2);
        accessAnswers(3000);

        CliFixture.Result r = cli.run("run", "-w", "webapp", "-p", "--url", "--port", "3000", "python3 -m http.server 3000");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(URL + "\n");
        assertThat(r.err()).isEqualTo("mags: job j1 keeps serving port 3000; mags logs webapp shows its output,"
                + " mags stop webapp ends the sandbox\n");
        assertThat(JSON.readTree(cli.server.single("POST", JOBS).body())).isEqualTo(JSON.readTree("""
                {"script": "python3 -m http.server 3000", "type": "inline", "name": "webapp", "workspace_id": "webapp",
                 "persistent": true}"""));
        assertThat(polls.get()).as("asked until it ran").isEqualTo(3);
        assertThat(JSON.readTree(cli.server.single("POST", ACCESS).body())).isEqualTo(JSON.readTree("{\"port\":3000}"));
        assertThat(cli.server.requests("GET", JOBS + "/j1/events")).as("the server's output is not awaited").isEmpty();
        assertThat(cli.server.requests("POST", JOBS + "/j1/stop")).isEmpty();
    }

    @Test
    void thePortIs8080UnlessGiven() throws Exception {
        startsAfter(0);
        accessAnswers(8080);

        CliFixture.Result r = cli.run("run", "-p", "--url", "python3 -m http.server 8080");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(URL + "\n");
        assertThat(JSON.readTree(cli.server.single("POST", ACCESS).body())).isEqualTo(JSON.readTree("{\"port\":8080}"));
    }

    @Test
    void aScriptThatFailedAlreadyIsSaidBesideTheUrl() {
        cli.server.json("GET", STATUS, 200, running(1));
        accessAnswers(8080);

        CliFixture.Result r = cli.run("run", "-w", "webapp", "-p", "--url", "python3 app.py");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(URL + "\n");
        assertThat(r.err()).startsWith("mags: the script exited with code 1; the URL answers once something listens on"
                + " port 8080 in the sandbox (mags logs webapp shows the output)\n");
    }

    @Test
    void followPrintsTheOutputAfterTheUrlAndEndsWithTheScriptsCode() {
        startsAfter(0);
        accessAnswers(8080);
        cli.server.on("GET", JOBS + "/j1/events", (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.log(1, "stdout", "listening on 8080");
                sse.log(2, "stderr", "GET / 200");
                sse.status(running(3));
            }
        });

        CliFixture.Result r = cli.run("run", "-w", "webapp", "-p", "--url", "--follow", "serve");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEqualTo(URL + "\nlistening on 8080\n");
        assertThat(r.err()).contains("GET / 200");
    }

    @Test
    void aJobThatFailsBeforeItRunsIsReportedAsRunReportsIt() {
        cli.server.json("GET", STATUS, 200, job("j1", "error", null, "base image 'debian' is not built"));
        cli.server.on("GET", JOBS + "/j1/events", (request, exchange) -> {
            try (var sse = FakeMagsServer.sse(exchange)) {
                sse.log(1, "system", "pulling image");
                sse.status(job("j1", "error", null, "base image 'debian' is not built"));
            }
        });

        CliFixture.Result r = cli.run("run", "-p", "--url", "serve");

        assertThat(r.exit()).isEqualTo(125);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("mags: pulling image\nmags: job j1 failed: base image 'debian' is not built\n");
        assertThat(cli.server.requests("POST", ACCESS)).isEmpty();
    }

    @Test
    void aServerWithoutUrlsIsNamedAndTheRunningJobToo() {
        startsAfter(0);
        cli.server.json("POST", ACCESS, 503, "{\"error\":{\"code\":\"urls_unavailable\",\"message\":"
                + "\"this server serves no public URLs (magsd serve --apps-domain)\"}}");

        CliFixture.Result r = cli.run("run", "-p", "--url", "serve");

        assertThat(r.exit()).isEqualTo(125);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("mags: this server serves no public URLs (magsd serve --apps-domain)"
                + " (job j1 keeps running: mags stop webapp ends it)\n");
    }

    @Test
    void ctrlCBeforeTheJobRunsStopsItAndExits130() throws Exception {
        AtomicReference<Runnable> onInterrupt = new AtomicReference<>();
        cli.interrupts = action -> {
            onInterrupt.set(action);
            return () -> onInterrupt.set(null);
        };
        CountDownLatch stopped = new CountDownLatch(1);
        cli.server.on("POST", JOBS + "/j1/stop", (request, exchange) -> {
            stopped.countDown();
            FakeMagsServer.reply(exchange, 200, job("j1", "error", null, "stopped by request"));
        });
        AtomicInteger polls = new AtomicInteger();
        cli.server.on("GET", STATUS, (request, exchange) -> {
            if (polls.incrementAndGet() == 2) {
                Thread.ofVirtual().start(onInterrupt.get()); // the user presses Ctrl-C while the job waits
            }
            boolean stop = stopped.getCount() == 0;
            FakeMagsServer.reply(exchange, 200, stop ? job("j1", "error", null, "stopped by request")
                    : job("j1", "pending", null, null));
        });

        CliFixture.Result r = cli.run("run", "-p", "--url", "serve");

        assertThat(r.exit()).isEqualTo(130);
        assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("mags: stopping job j1\n");
        assertThat(cli.server.requests("POST", ACCESS)).isEmpty();
        assertThat(onInterrupt.get()).as("hook removed").isNull();
    }

    @Test
    void helpTellsWhatUrlDoes() {
        CliFixture.Result r = cli.run("run", "--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--url", "public URL", "(requires -p)", "--port=PORT", "(default 8080)", "--follow",
                "with --url: the URL was printed; the sandbox keeps running");
    }
}
