package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/mags against a real bin/magsd, as a user at a terminal would use them. */
class CliE2EIT {
    @TempDir
    static Path tmp;
    static MagsdFixture magsd;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start();
        Files.createDirectories(tmp.resolve("home"));
        env = magsd.cliEnv(tmp.resolve("home"));
    }

    @AfterAll
    static void stop() {
        if (magsd != null) {
            magsd.close();
        }
    }

    static Proc.Result mags(String... args) {
        return Proc.run(env, Duration.ofSeconds(60), Repo.mags(), args);
    }

    @Test
    void helloWorld() {
        Proc.Result r = mags("run", "echo Hello World");
        assertThat(r.stdout()).isEqualTo("Hello World\n");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
    }

    @Test
    void theScriptsExitCodeBecomesTheCliExitCode() {
        assertThat(mags("run", "exit 3").exitCode()).isEqualTo(3);
    }

    @Test
    void stdoutAndStderrStayApart() {
        Proc.Result r = mags("run", "echo out; echo err >&2");
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void outputIsShownAsItIsProduced() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Repo.mags().toString(), "run", "echo a; sleep 3; echo b");
        pb.environment().putAll(env);
        Process p = pb.start();
        List<Long> seenAt = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
                seenAt.add(System.nanoTime());
            }
        }
        assertThat(p.waitFor()).isZero();
        assertThat(lines).containsExactly("a", "b");
        assertThat(Duration.ofNanos(seenAt.get(1) - seenAt.get(0))).isGreaterThan(Duration.ofMillis(2500));
    }

    @Test
    void newMakesASandboxThatNamesFindAndSetAndStopChange() {
        Proc.Result created = mags("new", "dev");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        assertThat(created.stdout()).contains("Sandbox 'dev' created (local disk only)", "mags ssh dev");
        assertThat(mags("status", "dev").stdout()).contains("running");
        assertThat(mags("new", "dev").stdout()).contains("already runs");

        Proc.Result set = mags("set", "dev", "--no-sleep");
        assertThat(set.exitCode()).as(set.stderr()).isZero();
        assertThat(set.stdout()).contains("dev: always on (never sleeps); startup command: sleep infinity");

        assertThat(mags("stop", "dev").exitCode()).isZero();
        assertThat(mags("status", "dev").stdout()).doesNotContain("running");
        Proc.Result notMine = mags("status", "nobody-has-this");
        assertThat(notMine.exitCode()).isNotZero();
        assertThat(notMine.stderr()).contains("mags list");
        assertThat(mags("workspace", "delete", "dev").exitCode()).isZero();
    }

    @Test
    void sandboxLooksAsDocumented() {
        Proc.Result r = mags("run", "hostname; pwd; echo $HOME; id -u");
        assertThat(r.stdout()).isEqualTo("mags-vm\n/root\n/root\n0\n");
    }

    @Test
    void environmentAndTimeout() {
        assertThat(mags("run", "--env", "WHO=world", "echo hello $WHO").stdout()).isEqualTo("hello world\n");
        Proc.Result slow = mags("run", "--timeout", "2", "echo started; sleep 30");
        assertThat(slow.exitCode()).isEqualTo(124);
        assertThat(slow.stdout()).isEqualTo("started\n");
        assertThat(slow.stderr()).contains("timed out after 2 s");
    }

    @Test
    void statusLogsListAndStop() throws Exception {
        Proc.Result run = mags("run", "--job-name", "e2e-list", "echo listed");
        assertThat(run.exitCode()).isZero();
        Proc.Result list = mags("list");
        assertThat(list.exitCode()).isZero();
        String line = list.stdout().lines().filter(l -> l.contains("e2e-list")).findFirst().orElseThrow();
        String id = line.trim().split("\\s+")[0];
        assertThat(mags("status", id).stdout()).contains("completed");
        assertThat(mags("logs", id).stdout()).isEqualTo("listed\n");

        ProcessBuilder pb = new ProcessBuilder(Repo.mags().toString(), "run", "--job-name", "e2e-stop", "sleep 300");
        pb.environment().putAll(env);
        Process longRun = pb.start();
        String stopId = null;
        for (int i = 0; i < 100 && stopId == null; i++) {
            stopId = mags("list").stdout().lines().filter(l -> l.contains("e2e-stop") && l.contains("running"))
                    .map(l -> l.trim().split("\\s+")[0]).findFirst().orElse(null);
            Thread.sleep(100);
        }
        assertThat(stopId).as("job e2e-stop running").isNotNull();
        assertThat(mags("stop", stopId).exitCode()).isZero();
        assertThat(longRun.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(longRun.exitValue()).isNotZero();
        assertThat(mags("status", stopId).stdout()).contains("error").contains("stopped");
    }

    @Test
    void ctrlCStopsTheJobAndExits130() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Repo.mags().toString(), "run", "echo started; sleep 300");
        pb.environment().putAll(env);
        Process run = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("started");
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor()).isZero();
            assertThat(run.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(run.exitValue()).isEqualTo(130);
        String stderr = new String(run.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(stderr).startsWith("mags: stopping job ");
        String id = stderr.lines().findFirst().orElseThrow().substring("mags: stopping job ".length()).trim();
        assertThat(mags("status", id).stdout()).contains("error").contains("stopped");
    }

    @Test
    void badInputGivesShortMessagesAndMeaningfulExitCodes() {
        Proc.Result unknown = mags("run", "--no-such-flag", "echo x");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr().lines().count()).isLessThan(8);
        Proc.Result missing = mags("status", "no-such-job");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("no-such-job");
        Map<String, String> badToken = new HashMap<>(env);
        badToken.put("MAGS_API_TOKEN", "mags_invalid");
        Proc.Result denied = Proc.run(badToken, Duration.ofSeconds(30), Repo.mags(), "run", "echo x");
        assertThat(denied.exitCode()).isNotZero();
        assertThat(denied.stderr()).containsIgnoringCase("token");
    }

    @Test
    void loginWritesAPrivateConfigAndWhoamiUsesIt() throws Exception {
        Path home = tmp.resolve("login-home");
        Files.createDirectories(home);
        Map<String, String> noEnv = Map.of("HOME", home.toString());
        Proc.Result login = Proc.run(noEnv, Duration.ofSeconds(30), Repo.mags(), "login", "--url", magsd.url(),
                "--token", magsd.adminToken());
        assertThat(login.exitCode()).as(login.stderr()).isZero();
        Path config = home.resolve(".mags/config.json");
        assertThat(Files.getPosixFilePermissions(config)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Proc.run(noEnv, Duration.ofSeconds(30), Repo.mags(), "whoami").stdout()).contains("admin");
        assertThat(Proc.run(noEnv, Duration.ofSeconds(30), Repo.mags(), "logout").exitCode()).isZero();
        assertThat(Proc.run(noEnv, Duration.ofSeconds(30), Repo.mags(), "whoami").exitCode()).isNotZero();
    }
}
