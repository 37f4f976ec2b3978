package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster on one machine, as an operator runs one: PostgreSQL, {@code magsd s3}, two control planes and three
 * agents, each its own process, the agents serving the control planes over HTTPS. Jobs sent to either control
 * plane run on every agent; a job's output, exec and stop work through the replica that did not start it. Needs
 * root and PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterE2EIT {
    private Path tmp;
    private ClusterFixture cluster;
    private ClusterFixture.Node cp0;
    private ClusterFixture.Node cp1;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        tmp = dir;
        PostgresServer pg = PostgresServer.shared().orElse(null);
        Assumptions.assumeTrue(pg != null, "PostgreSQL is not installed (Debian: apt-get install postgresql)");
        cluster = new ClusterFixture(tmp, pg, "magsd_cluster");
        // one user sends 300 jobs at once here: no per-user bound on waiting jobs
        String[] unbounded = {"--max-sandboxes-per-user", "0", "--max-cpus-per-user", "0", "--max-memory-per-user-mb", "0",
            "--disk-overcommit", "1000"};
        // the agents serve the control planes over HTTPS, which check their certificate (the other cluster tests
        // keep plain HTTP)
        String[] cpOptions = Stream.concat(Stream.of(unbounded), Stream.of(cluster.agentCaOptions()))
                .toArray(String[]::new);
        cp0 = cluster.startControlPlane(cpOptions);
        cp1 = cluster.startControlPlane(cpOptions);
        for (int i = 0; i < 3; i++) {
            cluster.startAgent(i % 2 == 0 ? cp0 : cp1, cluster.agentTlsOptions());
        }
        cp0.awaitHttp("/healthz", Duration.ofSeconds(60));
        cp1.awaitHttp("/healthz", Duration.ofSeconds(60));
        Files.createDirectories(tmp.resolve("home"));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void jobsThroughBothReplicasRunOnEveryAgent() throws Exception {
        Api[] apis = {new Api(cp0.url(), cluster.adminToken()), new Api(cp1.url(), cluster.adminToken())};
        int jobs = 300;
        ExecutorService clients = Executors.newFixedThreadPool(6);
        List<Future<String>> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            int n = i;
            ids.add(clients.submit(() -> {
                String script = switch (n % 3) {
                    case 0 -> "echo job " + n;
                    case 1 -> "echo job " + n + " >&2; exit 3";
                    default -> "seq 1 100 | tail -1; echo job " + n;
                };
                return apis[n % 2].submit(script);
            }));
        }
        List<String> submitted = new ArrayList<>();
        for (Future<String> id : ids) {
            submitted.add(id.get());
        }
        clients.shutdown();
        for (int i = 0; i < jobs; i++) {
            // read through the replica that did not take it
            Api other = apis[(i + 1) % 2];
            var done = other.awaitFinal(submitted.get(i), Duration.ofSeconds(180));
            String id = submitted.get(i);
            assertThat(done.path("status").asText()).as(() -> done + cluster.linesMentioning(id))
                    .isEqualTo(i % 3 == 1 ? "error" : "completed");
            assertThat(done.path("exit_code").asInt()).as(done.toString()).isEqualTo(i % 3 == 1 ? 3 : 0);
            Api.Response logs = other.get("/api/v1/mags-jobs/" + submitted.get(i) + "/logs");
            assertThat(logs.body().toString()).contains("job " + i);
        }
        for (ClusterFixture.Node agent : cluster.agents) {
            assertThat(countCreated(agent.log())).as(agent.name + " ran some of the jobs").isGreaterThan(jobs / 10);
            assertThat(agent.log()).contains("(advertised as https://127.0.0.1:" + agent.port + ")");
        }
        assertThat(cluster.leaks()).isEmpty();
    }

    @Test
    void aJobsOutputIsFollowedThroughTheReplicaThatDoesNotRunIt() {
        Api viaCp0 = new Api(cp0.url(), cluster.adminToken());
        String id = viaCp0.submit("echo first; sleep 2; echo second");
        // mags logs -f through cp1: it streams what cp0 stores, and ends when the job ends
        Proc.Result follow = Proc.run(cluster.cliEnv(cp1, tmp.resolve("home")), Duration.ofSeconds(60), Repo.mags(),
                "logs", "-f", id);
        assertThat(follow.exitCode()).as(follow.stderr()).isZero();
        assertThat(follow.stdout()).isEqualTo("first\nsecond\n");
    }

    @Test
    void aPersistentSandboxServesItsUrlExecAndSshThroughEitherReplica() {
        Map<String, String> viaCp0 = cluster.cliEnv(cp0, tmp.resolve("home"));
        Map<String, String> viaCp1 = cluster.cliEnv(cp1, tmp.resolve("home"));
        String url = ok(viaCp0, "run", "-w", "web", "-p", "--url", "--port", "8080",
                "echo served by the cluster > /root/index.html; httpd -f -p 8080 -h /root").strip();
        assertThat(url).matches("http://[a-z0-9]+\\.localhost:" + cp0.port);
        String sub = url.substring("http://".length(), url.indexOf('.'));
        try {
            for (ClusterFixture.Node cp : List.of(cp0, cp1)) {
                Curl.Page page = Curl.get("http://" + sub + ".localhost:" + cp.port + "/index.html");
                assertThat(page.status()).as("through " + cp.name).isEqualTo(200);
                assertThat(page.body()).as("through " + cp.name).isEqualTo("served by the cluster\n");
            }
            assertThat(ok(viaCp1, "exec", "web", "cat /root/index.html")).isEqualTo("served by the cluster\n");
            assertThat(ok(viaCp1, "exec", "web", "echo from cp1 > /root/note; cat /root/note")).isEqualTo("from cp1\n");
            assertThat(ok(viaCp0, "exec", "web", "cat /root/note")).isEqualTo("from cp1\n");
            for (Map<String, String> via : List.of(viaCp0, viaCp1)) {
                assertThat(ok(via, "ssh", "web", "cat /root/note")).as("OpenSSH through the SSH gateway")
                        .isEqualTo("from cp1\n");
            }
        } finally {
            ok(viaCp1, "stop", "web");
        }
        assertThat(Curl.get("http://" + sub + ".localhost:" + cp0.port + "/index.html").status()).isEqualTo(404);
    }

    @Test
    void anAlwaysOnSandboxWhoseAgentIsKilledServesAgainFromAnotherAgentWithItsSnapshotsFiles() throws Exception {
        Map<String, String> env = cluster.cliEnv(cp0, tmp.resolve("home"));
        ok(env, "new", "always", "-p");
        String server = "mkdir -p /tmp/www && echo alive > /tmp/www/index.html && httpd -p 8080 -h /tmp/www";
        ok(env, "set", "always", "--no-sleep", "--startup-command", server);
        ok(env, "exec", "always", server); // the startup command runs when the sandbox starts again
        ok(env, "exec", "always", "echo precious > /root/p");
        ok(env, "sync", "always");
        ok(env, "exec", "always", "echo after the snapshot > /root/late");
        String url = ok(env, "url", "always", "8080").strip();
        String jobId = new Api(cp0.url(), cluster.adminToken()).get("/api/v1/mags-jobs/always/status").body()
                .path("request_id").asText();
        awaitPage(url, "alive\n", Duration.ofSeconds(60));
        ClusterFixture.Node holder = cluster.agents.stream()
                .filter(a -> a.log().contains("sandbox " + jobId + " created")).findFirst().orElseThrow();

        holder.crash();

        // the URL answers again once the agent is declared lost and the sandbox restored on another one
        awaitPage(url, "alive\n", Duration.ofSeconds(120));
        assertThat(ok(env, "exec", "always", "cat /root/p; ls /root")).isEqualTo("precious\np\n");
        long running = cluster.agents.stream().filter(a -> a != holder)
                .filter(a -> countOccurrences(a.log(), "sandbox " + jobId + " created") > 0).count();
        assertThat(running).as("the job's sandbox runs on another agent").isEqualTo(1);

        // the killed agent back: it reaps what it ran, and the one copy that serves is the new one
        cluster.restart(holder);
        holder.awaitLog("removed what 1 sandboxes of an earlier run left", Duration.ofSeconds(90));
        assertThat(Curl.get(url).body()).isEqualTo("alive\n");
        ok(env, "stop", "always");
        assertThat(cluster.leaks()).isEmpty();
    }

    private static void awaitPage(String url, String body, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Proc.Result last = null;
        while (System.nanoTime() < deadline) {
            last = Curl.run("-sS", "--max-time", "5", url);
            if (last.exitCode() == 0 && last.stdout().equals(body)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(url + " did not answer '" + body + "' within " + timeout + "; last: " + last.stdout()
                + last.stderr());
    }

    private static int countOccurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** {@code mags ARGS} that must succeed; its stdout. */
    private static String ok(Map<String, String> env, String... args) {
        Proc.Result r = Proc.run(env, Duration.ofSeconds(120), Repo.mags(), args);
        assertThat(r.exitCode()).as("mags " + String.join(" ", args) + ": " + r.stderr()).isZero();
        return r.stdout();
    }

    private static int countCreated(String log) {
        Matcher m = Pattern.compile("sandbox \\S+ created for the control plane").matcher(log);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
