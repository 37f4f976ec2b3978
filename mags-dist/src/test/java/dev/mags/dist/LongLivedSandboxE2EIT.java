package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sandbox that stays, as a user drives it through {@code bin/mags} against a real magsd: {@code mags new},
 * {@code mags exec} (output, exit code, stdin, many at once, a background process that outlives its exec),
 * {@code mags ssh} through the gateway with OpenSSH, and another user who cannot reach it.
 */
class LongLivedSandboxE2EIT {
    private static final Duration CLI = Duration.ofSeconds(120);
    @TempDir
    static Path tmp;
    static MagsdFixture magsd;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws IOException {
        magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start();
        Files.createDirectories(tmp.resolve("home"));
        env = magsd.cliEnv(tmp.resolve("home"));
        Proc.Result created = Proc.run(env, CLI, Repo.mags(), "new", "dev");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        assertThat(created.stdout()).contains("Sandbox 'dev' created");
    }

    @AfterAll
    static void stop() {
        if (magsd != null) {
            try {
                Proc.run(env, CLI, Repo.mags(), "stop", "dev");
                assertThat(magsd.leaksAfterRelease()).isEmpty();
            } finally {
                magsd.close();
            }
        }
    }

    @Test
    void execPrintsOutputApartAndReturnsTheExitCode() {
        Proc.Result r = Proc.run(env, CLI, Repo.mags(), "exec", "dev", "echo hi; echo oops >&2; exit 3");

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("hi\n");
        assertThat(r.stderr()).contains("oops");
    }

    @Test
    void pipedStdinReachesTheCommand() {
        Proc.Result r = withStdin("x\ny\n", "exec", "dev", "cat");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("x\ny\n");
    }

    @Test
    void aBackgroundProcessLeftByOneExecIsSeenByTheNext() {
        Proc.Result left = Proc.run(env, CLI, Repo.mags(), "exec", "dev", "sleep 301 >/dev/null 2>&1 & echo $! >/tmp/bg.pid");
        assertThat(left.exitCode()).as(left.stderr()).isZero();

        Proc.Result seen = Proc.run(env, CLI, Repo.mags(), "exec", "dev", "ps | grep '[s]leep 301' && kill $(cat /tmp/bg.pid)");

        assertThat(seen.exitCode()).as(seen.stderr()).isZero();
        assertThat(seen.stdout()).contains("sleep 301");
    }

    @Test
    void twentyExecsRunAtOnceInTheSandbox() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                // each waits until all 20 have written their mark: they run at the same time or none ends
                String command = "touch /tmp/at-once." + i + "; n=0; while [ \"$(ls /tmp/at-once.* | wc -l)\" -lt 20 ]; "
                        + "do n=$((n+1)); [ $n -gt 600 ] && exit 9; sleep 0.1; done; echo done " + i;
                answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(magsd.url() + "/api/v1/mags-jobs/dev/exec"))
                        .header("Authorization", "Bearer " + magsd.adminToken())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Api.JSON.writeValueAsString(Map.of("command", command))))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = answers.get(i).get(120, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonNode body = Api.JSON.readTree(r.body());
                assertThat(body.path("exit_code").asInt()).as(r.body()).isZero();
                assertThat(body.path("stdout").asText()).isEqualTo("done " + i + "\n");
            }
        }
    }

    @Test
    void anotherUserFindsNoSandboxNamedSo() throws Exception {
        Map<String, String> bob = new HashMap<>(env);
        bob.put("MAGS_API_TOKEN", newUserToken("bob"));
        bob.put("HOME", Files.createDirectories(tmp.resolve("bob-home")).toString());

        Proc.Result exec = Proc.run(bob, CLI, Repo.mags(), "exec", "dev", "echo reached");
        Proc.Result ssh = Proc.run(bob, CLI, Repo.mags(), "ssh", "dev", "echo reached");

        assertThat(exec.exitCode()).isNotZero();
        assertThat(exec.stdout()).doesNotContain("reached");
        assertThat(exec.stderr()).contains("no job or workspace named 'dev'");
        assertThat(ssh.exitCode()).isEqualTo(255);
        assertThat(ssh.stdout()).doesNotContain("reached");
        assertThat(ssh.stderr()).contains("no job or workspace named 'dev'");
    }

    @Test
    void sshThroughTheGatewayRunsInTheSandbox() {
        Proc.Result r = Proc.run(env, CLI, Repo.mags(), "ssh", "dev", "hostname; exit 5");

        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(5);
        assertThat(r.stdout()).isEqualTo("mags-vm\n");
    }

    @Test
    void aPersistentRunReturnsWithItsScriptWhileItsJobRunsOnUntilStopped() throws Exception {
        Proc.Result run = Proc.run(env, CLI, Repo.mags(), "run", "-w", "kept", "-p", "echo made > /root/m; exit 3");
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(3);

        Api api = new Api(magsd.url(), magsd.adminToken());
        JsonNode job = api.get("/api/v1/mags-jobs/kept/status").body();
        assertThat(job.path("status").asText()).isEqualTo("running");
        assertThat(job.path("exit_code").asInt()).isEqualTo(3);
        Proc.Result inIt = Proc.run(env, CLI, Repo.mags(), "exec", "kept", "cat /root/m");
        assertThat(inIt.stdout()).isEqualTo("made\n");

        assertThat(Proc.run(env, CLI, Repo.mags(), "stop", "kept").exitCode()).isZero();
        JsonNode ended = api.get("/api/v1/mags-jobs/" + job.path("request_id").asText() + "/status").body();
        assertThat(ended.path("status").asText()).isEqualTo("error");
        assertThat(ended.path("error_message").asText()).contains("its sandbox was stopped");
    }

    @Test
    void aRunInTheSandboxStoppedByItsIdEndsAloneAndTheSandboxStays() throws Exception {
        Api api = new Api(magsd.url(), magsd.adminToken());
        String owner = api.get("/api/v1/mags-jobs/dev/status").body().path("request_id").asText();
        ProcessBuilder pb = new ProcessBuilder(Repo.mags().toString(), "run", "-w", "dev", "echo started; sleep 300");
        pb.environment().keySet().removeIf(k -> k.startsWith("MAGS_"));
        pb.environment().putAll(env);
        Process run = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(run.getErrorStream()));
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("started");
        // the newest live job of the name: the run, in dev's sandbox
        String runId = api.get("/api/v1/mags-jobs/dev/status").body().path("request_id").asText();
        assertThat(runId).isNotEqualTo(owner);

        Proc.Result stop = Proc.run(env, CLI, Repo.mags(), "stop", runId);

        assertThat(stop.exitCode()).as(stop.stderr()).isZero();
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).isEqualTo(125);
        assertThat(err.join()).contains("stopped by request");
        assertThat(api.get("/api/v1/mags-jobs/" + owner + "/status").body().path("status").asText()).isEqualTo("running");
        Proc.Result still = Proc.run(env, CLI, Repo.mags(), "exec", "dev", "echo still here");
        assertThat(still.exitCode()).as(still.stderr()).isZero();
        assertThat(still.stdout()).isEqualTo("still here\n");
    }

    private static String newUserToken(String name) throws Exception {
        Api admin = new Api(magsd.url(), magsd.adminToken());
        Api.Response r = admin.post("/api/v1/users", "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
        return r.body().path("token").path("token").asText();
    }

    /** {@code bin/mags ARGS} with {@code input} on its stdin, closed after it. */
    private static Proc.Result withStdin(String input, String... args) {
        List<String> argv = new ArrayList<>(List.of(Repo.mags().toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().keySet().removeIf(k -> k.startsWith("MAGS_"));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try (var stdin = p.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(CLI.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(argv + " did not finish within " + CLI);
            }
            return new Proc.Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
