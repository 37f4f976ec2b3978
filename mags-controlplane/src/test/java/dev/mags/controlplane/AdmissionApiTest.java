package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.JSON;
import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.controlplane.admission.AdmissionPolicy;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.protocol.v2.SandboxLimits;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/**
 * Admission at submission: per-user limits on live sandboxes (running, kept alive with -p, and those jobs
 * waiting will start), their memory and CPUs; no waiting behind kept sandboxes past --max-concurrent-jobs;
 * and no disk promised beyond the free space above the reserve. Over the fake agent, whose disks are
 * wholly sparse.
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class AdmissionApiTest {
    @Parameter
    StateBackend backend;

    private static final long GIB = SandboxLimits.GIB;
    @TempDir
    Path dir;
    TestApi api;
    final FakeAgent agent = new FakeAgent("busybox");
    String bob;

    void start(int maxConcurrentJobs, AdmissionPolicy policy) {
        ControlPlaneConfig d = ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox");
        api = new TestApi(backend, dir, agent, d.toBuilder().maxConcurrentJobs(maxConcurrentJobs).admission(policy).build());
        bob = api.cp.tokens().createToken("bob", false);
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    HttpResponse<String> post(String token, Map<String, Object> body) {
        try {
            return api.post("/api/v1/mags-jobs", token, JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    String accepted(String token, Map<String, Object> body) {
        HttpResponse<String> r = post(token, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json(r).get("request_id").asText();
    }

    JsonNode refused(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = json(r).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        return error;
    }

    void awaitStatus(String token, String id, String status) {
        await().atMost(Duration.ofSeconds(10)).until(() ->
                json(api.get("/api/v1/mags-jobs/" + id + "/status", token)).get("status").asText().equals(status));
    }

    void running(String token, Map<String, Object> body) {
        awaitStatus(token, accepted(token, body), "running");
    }

    /**
     * A -p sandbox whose script has ended: it stays alive, as one with background processes does, and its job
     * stays running with the script's exit code.
     */
    void kept(String token, String workspace) {
        kept(token, Map.of("script", "out up", "workspace_id", workspace, "persistent", true));
    }

    void kept(String token, Map<String, Object> body) {
        String id = accepted(token, body);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode job = json(api.get("/api/v1/mags-jobs/" + id + "/status", token));
            return job.get("status").asText().equals("running") && job.path("exit_code").isInt();
        });
    }

    @Test
    void keptSandboxesCountAgainstTheUsersLimitUntilOneIsStopped() {
        start(64, new AdmissionPolicy(3, 0, 0, 0, 1.0));
        kept(api.token, "one");
        kept(api.token, "two");
        kept(api.token, "three");
        assertThat(agent.liveWorkspaces()).hasSize(3);

        JsonNode error = refused(post(api.token, Map.of("script", "out more")), 429, "too_many_sandboxes");
        assertThat(error.get("message").asText()).contains("--max-sandboxes-per-user 3")
                .contains("3 kept alive after their script (-p: one, three, two)").contains("mags stop one");
        refused(post(api.token, Map.of("script", "out more", "workspace_id", "four", "persistent", true)), 429,
                "too_many_sandboxes");

        // A job in a sandbox that is already live adds nothing; another user is not affected.
        awaitStatus(api.token, accepted(api.token, Map.of("script", "out again", "workspace_id", "two")), "completed");
        awaitStatus(bob, accepted(bob, Map.of("script", "out bob")), "completed");

        assertThat(api.post("/api/v1/mags-jobs/one/stop", api.token, "").statusCode()).isEqualTo(200);
        awaitStatus(api.token, accepted(api.token, Map.of("script", "out more")), "completed");
    }

    @Test
    void jobsWaitingToStartCountAsTheSandboxesTheyWillStart() {
        start(1, new AdmissionPolicy(2, 0, 0, 0, 1.0));
        String running = accepted(api.token, Map.of("script", "sleep 60000"));
        awaitStatus(api.token, running, "running");
        String waiting = accepted(api.token, Map.of("script", "out later"));
        JsonNode error = refused(post(api.token, Map.of("script", "out third")), 429, "too_many_sandboxes");
        assertThat(error.get("message").asText()).contains("1 running a job").contains("1 for jobs waiting to start");
        // Jobs queued for one workspace start one sandbox at a time: they count once.
        assertThat(api.post("/api/v1/mags-jobs/" + waiting + "/stop", api.token, "").statusCode()).isEqualTo(200);
        awaitStatus(api.token, waiting, "error");
        accepted(api.token, Map.of("script", "out a", "workspace_id", "w"));
        accepted(api.token, Map.of("script", "out b", "workspace_id", "w"));
        refused(post(api.token, Map.of("script", "out c", "workspace_id", "v")), 429, "too_many_sandboxes");
    }

    @Test
    void memoryAndCpusOfLiveSandboxesAreCappedPerUser() {
        start(64, new AdmissionPolicy(0, 3 * GIB, 2500, 0, 1.0));
        awaitStatus(api.token, accepted(api.token, Map.of("script", "sleep 60000", "memory_mb", 2048)), "running");
        JsonNode memory = refused(post(api.token, Map.of("script", "out x", "memory_mb", 2048)), 429, "quota_exceeded");
        assertThat(memory.get("message").asText()).contains("2 GiB of memory would bring your sandboxes to 4 GiB")
                .contains("--max-memory-per-user-mb 3072");
        accepted(api.token, Map.of("script", "sleep 60000", "memory_mb", 512, "cpus", 1));
        JsonNode cpu = refused(post(api.token, Map.of("script", "out x", "memory_mb", 256, "cpus", 1)), 429,
                "quota_exceeded");
        assertThat(cpu.get("message").asText()).contains("1 CPUs would bring your sandboxes to 3, over the 2.5")
                .contains("--max-cpus-per-user");
        accepted(bob, Map.of("script", "out bob", "memory_mb", 2048));
    }

    @Test
    void noJobWaitsBehindKeptSandboxesPastTheServersLimit() {
        start(2, new AdmissionPolicy(0, 0, 0, 0, 1.0));
        kept(bob, "bobs");
        awaitStatus(api.token, accepted(api.token, Map.of("script", "sleep 60000")), "running");
        JsonNode error = refused(post(api.token, Map.of("script", "out x")), 429, "server_full");
        assertThat(error.get("message").asText()).contains("--max-concurrent-jobs").contains("1 of them by sandboxes kept alive");
        // Bob's job in his kept sandbox starts none.
        awaitStatus(bob, accepted(bob, Map.of("script", "out in it", "workspace_id", "bobs")), "completed");
        assertThat(api.post("/api/v1/mags-jobs/bobs/stop", bob, "").statusCode()).isEqualTo(200);
        // Without kept sandboxes, jobs wait for running ones as before.
        accepted(api.token, Map.of("script", "out x"));
        accepted(api.token, Map.of("script", "out y"));
    }

    @Test
    void diskIsNeverPromisedBeyondTheFreeSpaceAboveTheReserve() {
        start(64, new AdmissionPolicy(0, 0, 0, 4 * GIB, 1.0));
        agent.diskFreeBytes = 10 * GIB;
        kept(api.token, Map.of("script", "out up", "workspace_id", "k", "persistent", true, "disk_gb", 2));
        running(api.token, Map.of("script", "sleep 60000", "disk_gb", 2));
        running(api.token, Map.of("script", "sleep 60000", "disk_gb", 2));
        JsonNode error = refused(post(bob, Map.of("script", "out x", "disk_gb", 1)), 507, "insufficient_storage");
        assertThat(error.get("message").asText()).contains("this job's 1 GiB sandbox disk").contains("10 GiB free")
                .contains("4 GiB of it kept in reserve (--disk-reserve-gb)").contains("may still take 6 GiB");
        // A job in a live sandbox takes no new disk.
        awaitStatus(api.token, accepted(api.token, Map.of("script", "out in it", "workspace_id", "k")), "completed");
    }

    @Test
    void anOperatorMayLetSparseDisksPromiseMoreThanThereIs() {
        start(64, new AdmissionPolicy(0, 0, 0, 4 * GIB, 2.0));
        agent.diskFreeBytes = 10 * GIB;
        for (int i = 0; i < 6; i++) {
            // Each waits until it runs: while its launch is under way its disk counts twice (pending, and on the agent).
            running(api.token, Map.of("script", "sleep 60000", "disk_gb", 2));
        }
        JsonNode error = refused(post(api.token, Map.of("script", "out x", "disk_gb", 2)), 507, "insufficient_storage");
        assertThat(error.get("message").asText()).contains("of 12 GiB promisable (--disk-overcommit 2.0)");
    }

    @Test
    void concurrentSubmissionsCannotShareTheLastRoom() throws Exception {
        start(64, new AdmissionPolicy(5, 0, 0, 0, 1.0));
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Callable<Integer> submit = () -> post(api.token, Map.of("script", "sleep 60000")).statusCode();
                answers.add(pool.submit(submit));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : answers) {
                statuses.add(f.get());
            }
            assertThat(statuses).filteredOn(s -> s == 202).hasSize(5);
            assertThat(statuses).filteredOn(s -> s == 429).hasSize(15);
        } finally {
            pool.shutdownNow();
        }
    }
}
