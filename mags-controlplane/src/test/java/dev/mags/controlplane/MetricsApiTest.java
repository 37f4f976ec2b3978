package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.metrics.MetricsAccess;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/** {@code GET /metrics}: Prometheus text with jobs, sandboxes, HTTP requests and the JVM; loopback or a token. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class MetricsApiTest {
    @Parameter
    StateBackend backend;

    private static final String TOKEN = "scrape-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void aLoopbackScrapeShowsFinishedJobsTheirDurationsAndTheRequests() {
        try (TestApi api = new TestApi(backend, dir, new FakeAgent("busybox"))) {
            awaitFinal(api, submit(api, "out hi"));
            awaitFinal(api, submit(api, "exit 3"));
            api.get("/api/v1/mags-jobs/no-such-job/status", api.token);

            HttpResponse<String> r = api.get("/metrics", null);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
            assertThat(r.body())
                    .contains("mags_jobs{status=\"completed\"} 1.0")
                    .contains("mags_jobs{status=\"error\"} 1.0")
                    .contains("mags_job_duration_seconds_count{status=\"completed\"} 1")
                    .contains("mags_job_duration_seconds_count{status=\"error\"} 1")
                    .contains("mags_sandboxes_live{kind=\"job\"} 0.0")
                    .contains("mags_sandboxes_live{kind=\"workspace\"} 0.0")
                    .containsPattern("mags_http_requests_seconds_count\\{method=\"POST\",route=\"/api/v1/mags-jobs\","
                            + "status=\"202\"} 2")
                    .containsPattern("mags_http_requests_seconds_count\\{method=\"GET\","
                            + "route=\"/api/v1/mags-jobs/\\{id}/status\",status=\"404\"} 1")
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_threads_live_threads")
                    .contains("process_uptime_seconds");
            // A second scrape does not count the same jobs again.
            assertThat(api.get("/metrics", null).body())
                    .contains("mags_job_duration_seconds_count{status=\"completed\"} 1\n");
        }
    }

    @Test
    void aRunningJobCountsAsALiveSandbox() {
        try (TestApi api = new TestApi(backend, dir, new FakeAgent("busybox"))) {
            String id = submit(api, "await go");
            await().atMost(Duration.ofSeconds(10)).until(() -> json(api.get("/api/v1/mags-jobs/" + id + "/status",
                    api.token)).get("status").asText().equals("running"));

            String running = api.get("/metrics", null).body();
            api.agent.open("go");
            awaitFinal(api, id);
            String after = api.get("/metrics", null).body();

            assertThat(running).contains("mags_sandboxes_live{kind=\"job\"} 1.0")
                    .contains("mags_jobs{status=\"running\"} 1.0")
                    .doesNotContain("mags_job_duration_seconds_count");
            assertThat(after).contains("mags_sandboxes_live{kind=\"job\"} 0.0")
                    .doesNotContain("mags_jobs{status=\"running\"}")
                    .contains("mags_job_duration_seconds_count{status=\"completed\"} 1");
        }
    }

    @Test
    void anAdminReadsTheServersNumbersAsJsonAndOthersAreRefused() {
        try (TestApi api = new TestApi(backend, dir, new FakeAgent("busybox"))) {
            String bob = api.cp.tokens().createToken("bob", false);
            awaitFinal(api, submit(api, "out hi"));
            awaitFinal(api, submit(api, "exit 3"));
            String id = submit(api, "await go");
            await().atMost(Duration.ofSeconds(10)).until(() -> json(api.get("/api/v1/mags-jobs/" + id + "/status",
                    api.token)).get("status").asText().equals("running"));

            HttpResponse<String> stats = api.get("/api/v1/server-stats", api.token);
            HttpResponse<String> notAdmin = api.get("/api/v1/server-stats", bob);
            api.agent.open("go");
            awaitFinal(api, id);

            assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
            var body = json(stats);
            assertThat(body.get("jobs").get("completed").asLong()).isEqualTo(1);
            assertThat(body.get("jobs").get("error").asLong()).isEqualTo(1);
            assertThat(body.get("jobs").get("running").asLong()).isEqualTo(1);
            assertThat(body.get("sandboxes").get("live_jobs").asLong()).isEqualTo(1);
            assertThat(body.get("sandboxes").get("sleeping").asLong()).isZero();
            assertThat(body.get("exec_sessions").asLong()).isZero();
            assertThat(body.get("warm_pool").isNull()).isTrue(); // this agent keeps no warm pool
            assertThat(body.get("ssh_sessions").isNull()).isTrue(); // nor is there an SSH gateway
            assertThat(notAdmin.statusCode()).isEqualTo(403);
            assertThat(notAdmin.body()).contains("forbidden", "admin").doesNotContain("live_jobs");
        }
    }

    @Test
    void aScrapeNamesSleepingSandboxesAndExecSessions() {
        try (TestApi api = new TestApi(backend, dir, new FakeAgent("busybox"))) {
            String body = api.get("/metrics", null).body();

            assertThat(body).contains("mags_sandboxes_sleeping 0.0")
                    .contains("mags_exec_sessions_open 0.0")
                    .contains("mags_exec_sessions_started_total 0.0");
        }
    }

    @Test
    void aRemoteCallerIsRefusedWithoutTheMetricsToken() throws Exception {
        Optional<InetAddress> address = nonLoopbackAddress();
        assumeThat(address).as("an up, non-loopback IPv4 address on this machine").isPresent();
        String host = address.get().getHostAddress();
        ControlPlaneConfig config = ControlPlaneConfig.defaults(host, 0, "busybox")
                .withMetrics(new MetricsAccess(TOKEN));
        try (TestApi api = new TestApi(backend, dir, new FakeAgent("busybox"), config)) {
            URI uri = URI.create("http://" + host + ":" + api.cp.port() + "/metrics");

            HttpResponse<String> none = api.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build());
            HttpResponse<String> apiToken = api.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + api.token).build());
            HttpResponse<String> right = api.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + TOKEN).build());

            assertThat(none.statusCode()).isEqualTo(403);
            assertThat(none.body()).contains("metrics_forbidden").doesNotContain("jvm_");
            assertThat(apiToken.statusCode()).isEqualTo(403); // an admin's API token is not the metrics token
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(right.body()).contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void aRemoteCallerIsRefusedWhenNoMetricsTokenIsSet() throws Exception {
        Optional<InetAddress> address = nonLoopbackAddress();
        assumeThat(address).as("an up, non-loopback IPv4 address on this machine").isPresent();
        String host = address.get().getHostAddress();
        try (TestApi api = new TestApi(backend, dir, new FakeAgent("busybox"), ControlPlaneConfig.defaults(host, 0, "busybox"))) {
            URI uri = URI.create("http://" + host + ":" + api.cp.port() + "/metrics");

            HttpResponse<String> r = api.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer anything-at-all-0123456789").build());

            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("loopback callers only");
        }
    }

    private static String submit(TestApi api, String script) {
        HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token,
                "{\"script\": \"" + script + "\", \"type\": \"inline\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json(r).get("request_id").asText();
    }

    private static void awaitFinal(TestApi api, String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            String s = json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token)).get("status").asText();
            return s.equals("completed") || s.equals("error");
        });
    }

    static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }
}
