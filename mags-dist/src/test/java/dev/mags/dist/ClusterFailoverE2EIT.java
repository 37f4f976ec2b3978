package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the control-plane replica that leads a cluster (PostgreSQL, {@code magsd s3}, two control
 * planes, two agents, each a process): the other replica's clients see every request answered, the other replica
 * takes the lead and cron keeps firing, and the killed replica's unfinished job is settled. Needs root and
 * PostgreSQL.
 */
class ClusterFailoverE2EIT {
    @TempDir
    Path tmp;

    @Test
    void killingTheLeadingControlPlaneLeavesTheOtherServingAndCronFiring() throws Exception {
        PostgresServer pg = PostgresServer.shared().orElse(null);
        Assumptions.assumeTrue(pg != null, "PostgreSQL is not installed (Debian: apt-get install postgresql)");
        try (ClusterFixture cluster = new ClusterFixture(tmp, pg, "magsd_failover")) {
            String[] fast = {"--replica-lost-after", "5", "--max-sandboxes-per-user", "0", "--max-cpus-per-user", "0",
                "--max-memory-per-user-mb", "0", "--disk-overcommit", "1000"};
            ClusterFixture.Node cp0 = cluster.startControlPlane(fast);
            cp0.awaitLog("this control plane leads the cluster", Duration.ofSeconds(30));
            ClusterFixture.Node cp1 = cluster.startControlPlane(fast);
            cluster.startAgent(cp0);
            cluster.startAgent(cp1);
            cp1.awaitHttp("/healthz", Duration.ofSeconds(60));
            Files.createDirectories(tmp.resolve("home"));
            Map<String, String> env = cluster.cliEnv(cp1, tmp.resolve("home"));
            Api viaCp0 = new Api(cp0.url(), cluster.adminToken());
            Api viaCp1 = new Api(cp1.url(), cluster.adminToken());

            Proc.Result add = Proc.run(env, Duration.ofSeconds(60), Repo.mags(), "cron", "add", "--name", "tick",
                    "--schedule", "* * * * *", "-w", "monitors", "date >> /root/ticks");
            assertThat(add.exitCode()).as(add.stderr()).isZero();
            String orphan = viaCp0.submit("sleep 600");
            viaCp0.awaitStatus(orphan, "running", Duration.ofSeconds(60));

            // clients of cp1 keep sending jobs while cp0 dies
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<JsonNode>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                results.add(clients.submit(() -> viaCp1.awaitFinal(viaCp1.submit("echo " + n), Duration.ofSeconds(120))));
                if (i == 10) {
                    cp0.crash();
                }
            }
            Instant killed = Instant.now();
            for (Future<JsonNode> r : results) {
                assertThat(r.get().path("status").asText()).as(r.get().toString()).isEqualTo("completed");
            }
            clients.shutdown();

            cp1.awaitLog("this control plane leads the cluster", Duration.ofSeconds(30));
            JsonNode settled = viaCp1.awaitFinal(orphan, Duration.ofSeconds(60));
            assertThat(settled.path("status").asText()).isEqualTo("error");
            assertThat(settled.path("error_message").asText()).contains("the control plane replica that ran the job (cp0)");

            // the cron fires after the kill, from the new leader
            JsonNode cron = awaitCronRunAfter(viaCp1, killed, Duration.ofSeconds(150));
            String lastRun = cron.path("last_request_id").asText();
            assertThat(viaCp1.awaitFinal(lastRun, Duration.ofSeconds(60)).path("status").asText()).isEqualTo("completed");

            Proc.Result remove = Proc.run(env, Duration.ofSeconds(60), Repo.mags(), "cron", "remove", "tick");
            assertThat(remove.exitCode()).as(remove.stderr()).isZero();
            assertThat(cluster.leaks()).isEmpty();
        }
    }

    private static JsonNode awaitCronRunAfter(Api api, Instant after, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode cron : api.get("/api/v1/mags-cron").body().path("cron_jobs")) {
                last = cron;
                String at = cron.path("last_run_at").asText("");
                if (!at.isEmpty() && !at.equals("null") && Instant.parse(at).isAfter(after)) {
                    return cron;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the cron did not fire after the leader was killed; last: " + last);
    }
}
