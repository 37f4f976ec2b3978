package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.HostLeaks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Always-on sandboxes after a crash: {@code kill -9} of magsd, a new start on the same data dir, and the
 * {@code --no-sleep} sandbox runs again with its startup command's server answering and its files intact, while
 * another persistent sandbox sleeps until it is used.
 */
class AlwaysOnRecoveryE2EIT {
    private static final Duration CLI = Duration.ofSeconds(120);
    private static final String SERVER = "mkdir -p /tmp/www && echo alive > /tmp/www/index.html && httpd -p 8080 -h /tmp/www";
    @TempDir
    Path tmp;

    @Test
    void afterKillNineTheAlwaysOnSandboxRunsAgainAndTheOtherSleeps() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> env;
        try (MagsdFixture magsd = new MagsdFixture(data, TestImages.busybox(), "busybox").start()) {
            env = magsd.cliEnv(Files.createDirectories(tmp.resolve("home")));
            ok(env, "new", "web");
            ok(env, "set", "web", "--no-sleep", "--startup-command", SERVER);
            ok(env, "exec", "web", "echo precious > /root/p");
            ok(env, "new", "idle");
            magsd.crash();
        }
        try (MagsdFixture again = new MagsdFixture(data, TestImages.busybox(), "busybox").start()) {
            env = again.cliEnv(tmp.resolve("home"));
            Api api = new Api(again.url(), again.adminToken());
            awaitStatus(api, "web", "running");
            assertThat(api.get("/api/v1/mags-jobs/idle/status").body().path("status").asText()).isEqualTo("sleeping");

            Proc.Result served = awaitAnswer(env);
            assertThat(served.stdout()).isEqualTo("alive\nprecious\n");

            ok(env, "stop", "web");
            ok(env, "stop", "idle");
            assertThat(again.leaksAfterRelease()).isEmpty();
        }
        assertThat(HostLeaks.scan(new MagsdFixture(data, TestImages.busybox(), "busybox").agentConfig())).isEmpty();
    }

    /** The startup command runs in the background: its server answers once it has started. */
    private static Proc.Result awaitAnswer(Map<String, String> env) throws InterruptedException {
        Proc.Result r = null;
        for (int i = 0; i < 50; i++) {
            r = Proc.run(env, CLI, Repo.mags(), "exec", "web", "wget -qO- http://127.0.0.1:8080/ && cat /root/p");
            if (r.exitCode() == 0) {
                return r;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the startup command's server never answered: " + r.stderr());
    }

    private static void awaitStatus(Api api, String name, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = api.get("/api/v1/mags-jobs/" + name + "/status").body().path("status").asText();
            if (status.equals(wanted)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " is " + status + " 60 s after the start, not " + wanted);
    }

    private static Proc.Result ok(Map<String, String> env, String... args) {
        Proc.Result r = Proc.run(env, CLI, Repo.mags(), args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.stderr()).isZero();
        return r;
    }
}
