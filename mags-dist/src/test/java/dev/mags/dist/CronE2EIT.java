package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cron example as typed, against a real bin/magsd on a real minute: the workspace gets a tick,
 * {@code mags cron list} shows the last run, the run is a job in {@code mags list}, another user cannot see
 * or remove the cron job, and disable, enable and remove work by name.
 */
class CronE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Proc.Result mags(Map<String, String> env, String... args) {
        return Proc.run(env, Duration.ofSeconds(60), Repo.mags(), args);
    }

    private static JsonNode tick(Map<String, String> env) throws Exception {
        Proc.Result list = mags(env, "cron", "list", "--json");
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        for (JsonNode c : JSON.readTree(list.stdout()).get("cron_jobs")) {
            if (c.get("name").asText().equals("tick")) {
                return c;
            }
        }
        return null;
    }

    @Test
    void theTickExampleRunsEveryMinuteIntoItsWorkspace() throws Exception {
        Files.createDirectories(tmp.resolve("home"));
        try (MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox").start()) {
            Map<String, String> alice = magsd.cliEnv(tmp.resolve("home"));
            Proc.Result add = mags(alice, "cron", "add", "--name", "tick", "--schedule", "* * * * *", "-w", "monitors",
                    "date >> /root/ticks");
            assertThat(add.exitCode()).as(add.stderr()).isZero();
            assertThat(add.stdout()).contains("Added cron job tick");

            // The next minute starts a run; it is over well before the one after.
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                JsonNode c = tick(alice);
                return c.get("last_status").asText("").equals("completed");
            });
            Proc.Result list = mags(alice, "cron", "list");
            assertThat(list.stdout()).contains("tick").contains("* * * * *").contains("monitors").contains("completed");
            String jobId = tick(alice).get("last_request_id").asText();
            Proc.Result jobs = mags(alice, "list");
            assertThat(jobs.stdout()).contains(jobId.substring(0, 8)).contains("tick");

            Proc.Result created = Proc.run(Map.of(), Duration.ofSeconds(60), Repo.magsd(), "token", "create",
                    "--user", "bob", "--data-dir", magsd.dataDir.toString());
            assertThat(created.exitCode()).as(created.stderr()).isZero();
            Map<String, String> bob = new HashMap<>(alice);
            bob.put("MAGS_API_TOKEN", created.stdout().strip());
            String cronId = tick(alice).get("id").asText();
            Proc.Result bobRemoves = mags(bob, "cron", "remove", cronId);
            assertThat(bobRemoves.exitCode()).isNotZero();
            assertThat(bobRemoves.stderr()).contains("no cron job with id or name");
            assertThat(mags(bob, "cron", "list").stdout()).doesNotContain("tick");

            Proc.Result disable = mags(alice, "cron", "disable", "tick");
            assertThat(disable.exitCode()).as(disable.stderr()).isZero();
            assertThat(tick(alice).get("enabled").asBoolean()).isFalse();
            assertThat(tick(alice).get("next_run_at").isNull()).isTrue();
            // A run started just before the disable may still be going: wait for it, then read the workspace.
            String last = tick(alice).get("last_request_id").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> mags(alice, "status", last).stdout().contains("completed"));
            Proc.Result ticks = mags(alice, "run", "-w", "monitors", "wc -l < /root/ticks");
            assertThat(ticks.exitCode()).as(ticks.stderr()).isZero();
            assertThat(Integer.parseInt(ticks.stdout().strip())).isGreaterThanOrEqualTo(1);

            Proc.Result enable = mags(alice, "cron", "enable", "tick");
            assertThat(enable.exitCode()).as(enable.stderr()).isZero();
            assertThat(tick(alice).get("enabled").asBoolean()).isTrue();
            Proc.Result remove = mags(alice, "cron", "remove", "tick");
            assertThat(remove.exitCode()).as(remove.stderr()).isZero();
            assertThat(tick(alice)).isNull();
            assertThat(mags(alice, "logs", jobId).exitCode()).isZero();
            assertThat(mags(alice, "list").stdout()).contains(jobId.substring(0, 8));
        }
    }
}
