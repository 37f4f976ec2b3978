package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One step at a time of a user's life with long-lived sandboxes, each checked as the user sees it: {@code new},
 * {@code exec}, {@code ssh}, {@code sleep} (waiting until the idle sandbox is {@code sleeping}), {@code wake} (an
 * exec into a sleeping one) and {@code stop}, through {@code bin/mags} or the REST API at random ({@code ssh} always
 * through {@code bin/mags}, which runs OpenSSH). Each exec and ssh command appends a line to {@code /root/trail} and
 * prints how many lines it holds, which must be one more than the last one printed in that workspace.
 */
final class SandboxCycles {
    private static final Duration CLI = Duration.ofSeconds(120);
    private static final Duration SLEEP_WAIT = Duration.ofSeconds(60);

    /** Lines of magsd's log that a failure message carries. */
    private static final int LOG_LINES = 40;
    private final MagsdFixture magsd;
    private final Map<String, String> env;
    private final Api api;
    private final Set<String> sandboxIds;
    /** The names whose sandbox was made and not stopped (running or sleeping). */
    private final Map<String, String> live = new LinkedHashMap<>();
    /** Lines in each workspace's trail so far. */
    private final Map<String, Integer> trail = new HashMap<>();

    SandboxCycles(MagsdFixture magsd, Path home, Set<String> sandboxIds) {
        this.magsd = magsd;
        this.env = magsd.cliEnv(home);
        this.api = new Api(magsd.url(), magsd.adminToken());
        this.sandboxIds = sandboxIds;
    }

    /** One cycle on {@code name}: {@code new} when it has no sandbox, else one of the others. */
    String step(int cycle, String name, Random random) throws InterruptedException {
        boolean rest = random.nextBoolean();
        String op = !live.containsKey(name) ? "new"
                : switch (random.nextInt(8)) {
                    case 0, 1, 2 -> "exec";
                    case 3, 4 -> "ssh";
                    case 5 -> "sleep";
                    case 6 -> "wake";
                    default -> "stop";
                };
        if (op.equals("ssh")) {
            rest = false;
        }
        String detail = switch (op) {
            case "new" -> create(name, rest);
            case "exec" -> exec(cycle, name, rest);
            case "ssh" -> ssh(cycle, name);
            case "sleep" -> awaitStatus(name, "sleeping");
            case "wake" -> wake(cycle, name, rest);
            default -> stop(name, rest);
        };
        return "cycle " + cycle + ": " + name + " " + op + " " + (rest ? "rest" : "cli") + " -> " + detail;
    }

    void stopIfLive(String name) {
        if (live.containsKey(name)) {
            stop(name, false);
        }
    }

    private String create(String name, boolean rest) throws InterruptedException {
        String id;
        if (rest) {
            Api.Response r = api.post("/api/v1/mags-jobs", "{\"script\": \"sleep infinity\", \"type\": \"inline\", "
                    + "\"name\": \"" + name + "\", \"workspace_id\": \"" + name + "\", \"persistent\": true, "
                    + "\"startup_command\": \"sleep infinity\", \"no_sync\": true}");
            assertThat(r.status()).as(() -> r.body() + magsd.logTail(LOG_LINES)).isEqualTo(202);
            id = r.body().path("request_id").asText();
            awaitStatus(id, "running");
        } else {
            Proc.Result r = Proc.run(env, CLI, Repo.mags(), "new", name);
            assertThat(r.exitCode()).as(() -> r.stderr() + magsd.logTail(LOG_LINES)).isZero();
            assertThat(r.stdout()).contains("Sandbox '" + name + "' created");
            id = status(name).path("request_id").asText();
        }
        sandboxIds.add(id);
        live.put(name, id);
        return id;
    }

    private String exec(int cycle, String name, boolean rest) {
        String command = "echo c" + cycle + " >> /root/trail && grep -c . /root/trail";
        String stdout;
        if (rest) {
            Api.Response r = api.post("/api/v1/mags-jobs/" + name + "/exec", "{\"command\": \"" + command + "\"}");
            assertThat(r.status()).as(() -> r.body() + magsd.logTail(LOG_LINES)).isEqualTo(200);
            assertThat(r.body().path("exit_code").asInt(-1)).as(() -> r.body() + magsd.logTail(LOG_LINES)).isZero();
            stdout = r.body().path("stdout").asText();
        } else {
            Proc.Result r = Proc.run(env, CLI, Repo.mags(), "exec", name, command);
            assertThat(r.exitCode()).as(() -> r.stderr() + magsd.logTail(LOG_LINES)).isZero();
            stdout = r.stdout();
        }
        return counted(name, stdout);
    }

    private String ssh(int cycle, String name) {
        Proc.Result r = Proc.run(env, CLI, Repo.mags(), "ssh", name, "echo c" + cycle + " >> /root/trail && grep -c . /root/trail");
        assertThat(r.exitCode()).as(() -> r.stderr() + magsd.logTail(LOG_LINES)).isZero();
        return counted(name, r.stdout());
    }

    private String wake(int cycle, String name, boolean rest) throws InterruptedException {
        awaitStatus(name, "sleeping");
        String counted = exec(cycle, name, rest);
        assertThat(status(name).path("status").asText()).as("woken by the exec").isEqualTo("running");
        return counted;
    }

    private String stop(String name, boolean rest) {
        String id = live.remove(name);
        if (rest) {
            Api.Response r = api.post("/api/v1/mags-jobs/" + name + "/stop", "");
            assertThat(r.status()).as(() -> r.body() + magsd.logTail(LOG_LINES)).isEqualTo(200);
        } else {
            Proc.Result r = Proc.run(env, CLI, Repo.mags(), "stop", name);
            assertThat(r.exitCode()).as(() -> r.stderr() + magsd.logTail(LOG_LINES)).isZero();
        }
        JsonNode ended = status(id);
        assertThat(ended.path("status").asText()).as(ended.toString()).isIn("completed", "error");
        return ended.path("status").asText();
    }

    /** The trail's line count printed by a command: one more than before in this workspace. */
    private String counted(String name, String stdout) {
        int expected = trail.merge(name, 1, Integer::sum);
        assertThat(stdout).as("lines in %s's trail", name).isEqualTo(expected + "\n");
        return "line " + expected;
    }

    private JsonNode status(String idOrName) {
        Api.Response r = api.get("/api/v1/mags-jobs/" + idOrName + "/status");
        assertThat(r.status()).as(() -> r.body() + magsd.logTail(LOG_LINES)).isEqualTo(200);
        return r.body();
    }

    /** Polls until the job is {@code wanted} (a deadline, not a timing: sleeping takes --sleep-after and a look). */
    private String awaitStatus(String idOrName, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + SLEEP_WAIT.toNanos();
        String now = "";
        while (System.nanoTime() < deadline) {
            now = status(idOrName).path("status").asText();
            if (now.equals(wanted)) {
                return wanted;
            }
            assertThat(now).as("%s while waiting for %s", idOrName, wanted).isIn("pending", "running", "sleeping");
            Thread.sleep(100);
        }
        throw new AssertionError(idOrName + " is still " + now + ", not " + wanted);
    }
}
