package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.protocol.v2.ExecSpec;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/**
 * A persistent job's sandbox that nothing used for {@code sleepAfter} sleeps (its sandbox stopped, the job
 * {@code sleeping}); an exec or a job in its workspace wakes it (a new sandbox on the workspace, the startup command
 * started in it) and runs in it; a {@code no_sleep} job never sleeps; stopping a sleeping job ends it. A stop that
 * races a sleep or a wake (held at the agent's create or stop until both are under way) ends the job and every
 * sandbox made for it.
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class SleepAndWakeTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    final FakeAgent agent = new FakeAgent("busybox");
    TestApi api;

    @BeforeEach
    void start() {
        api = new TestApi(backend, dir, agent, ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox")
                .withSleepAfter(Duration.ofSeconds(1)));
        api.cp.enableExec(api.cp.sandboxTargets().exec());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private String submit(String body) {
        HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json(r).get("request_id").asText();
    }

    private JsonNode status(String id) {
        return json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token));
    }

    private void awaitStatus(String id, String wanted) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status(id).get("status").asText().equals(wanted));
    }

    @Test
    void anIdleSandboxSleepsAndAnExecWakesItWithItsStartupCommand() {
        String always = submit("{\"script\": \"out up\", \"workspace_id\": \"on\", \"persistent\": true, \"no_sleep\": true}");
        await().atMost(Duration.ofSeconds(10)).until(() -> status(always).path("exit_code").isInt());
        String id = submit("{\"script\": \"out up\", \"workspace_id\": \"dev\", \"persistent\": true, "
                + "\"startup_command\": \"out serving\\nsleep 600000\"}");

        awaitStatus(id, "sleeping");
        assertThat(agent.liveWorkspaces()).as("the sleeping one's sandbox has gone, the no_sleep one's stays")
                .hasSize(1);
        assertThat(status(always).get("status").asText()).isEqualTo("running");

        HttpResponse<String> r = api.post("/api/v1/mags-jobs/dev/exec", api.token, "{\"command\": \"out awake\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("stdout").asText()).isEqualTo("awake\n");
        assertThat(status(id).get("status").asText()).isEqualTo("running");
        assertThat(agent.launched).filteredOn(s -> s.id().value().equals(id)).as("a new sandbox").hasSize(2);
        assertThat(agent.execs).extracting(ExecSpec::argv)
                .contains(List.of("sh", "-c", "out serving\nsleep 600000"));
    }

    @Test
    void metricsCountTheSleepingSandboxAndTheExecThatWakesIt() {
        String id = submit("{\"script\": \"out up\", \"workspace_id\": \"dev\", \"persistent\": true}");
        awaitStatus(id, "sleeping");
        String asleep = api.get("/metrics", null).body();

        var exec = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                api.post("/api/v1/mags-jobs/dev/exec", api.token, "{\"command\": \"await done\"}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/metrics", null).body()
                .contains("mags_exec_sessions_open 1.0"));
        agent.open("done");
        assertThat(exec.join().statusCode()).isEqualTo(200);
        String after = api.get("/metrics", null).body();

        assertThat(asleep).contains("mags_sandboxes_sleeping 1.0", "mags_exec_sessions_open 0.0");
        assertThat(after).contains("mags_sandboxes_sleeping 0.0", "mags_exec_sessions_open 0.0",
                "mags_exec_sessions_started_total 1.0");
    }

    @Test
    void aSleepingJobSetAlwaysOnWakesAtOnce() {
        String id = submit("{\"script\": \"out up\", \"workspace_id\": \"dev\", \"persistent\": true}");
        awaitStatus(id, "sleeping");

        HttpResponse<String> r = api.patch("/api/v1/mags-jobs/dev", api.token, "{\"no_sleep\": true}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("status").asText()).isEqualTo("running");
        assertThat(agent.liveWorkspaces()).hasSize(1);
    }

    @Test
    void aJobInTheWorkspaceWakesItAndAStoppedSleepingJobEnds() {
        String id = submit("{\"script\": \"out up\", \"workspace_id\": \"dev\", \"persistent\": true}");
        awaitStatus(id, "sleeping");

        String next = submit("{\"script\": \"out in it\", \"workspace_id\": \"dev\"}");
        awaitStatus(next, "completed");
        assertThat(agent.launched).as("the woken sandbox ran the job").hasSize(2);
        awaitStatus(id, "sleeping");

        assertThat(api.post("/api/v1/mags-jobs/dev/stop", api.token, "").statusCode()).isEqualTo(200);
        assertThat(status(id).get("status").asText()).isEqualTo("completed");
    }

    @Test
    void aStopWhileTheSandboxWakesEndsTheJobAndTheSandboxMadeForTheWake() throws Exception {
        String id = submit("{\"script\": \"await never\", \"workspace_id\": \"dev\", \"persistent\": true, "
                + "\"startup_command\": \"await never\"}");
        awaitStatus(id, "sleeping");
        agent.hold("create");
        CompletableFuture<HttpResponse<String>> exec = CompletableFuture.supplyAsync(
                () -> api.post("/api/v1/mags-jobs/dev/exec", api.token, "{\"command\": \"out awake\"}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> agent.waitingAt("create") == 1);

        HttpResponse<String> stopped = api.post("/api/v1/mags-jobs/dev/stop", api.token, "");
        agent.release("create");

        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
        assertThat(json(stopped).get("status").asText()).isEqualTo("completed");
        HttpResponse<String> r = exec.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(json(r).get("error").get("message").asText()).contains("(completed) has no running sandbox");
        assertThat(status(id).get("status").asText()).isEqualTo("completed");
        assertThat(agent.launched).as("the sandbox made for the wake").hasSize(2);
        assertThat(agent.runningCount()).as("the sandbox made for the wake has ended").isZero();
    }

    @Test
    void aStopWhileTheSandboxGoesToSleepEndsTheJob() throws Exception {
        String id = submit("{\"script\": \"await never\", \"workspace_id\": \"dev\", \"persistent\": true, "
                + "\"startup_command\": \"await never\"}");
        awaitStatus(id, "running");
        agent.hold("stop");
        await("the idle sandbox being put to sleep").atMost(Duration.ofSeconds(20))
                .until(() -> agent.waitingAt("stop") == 1);
        CompletableFuture<HttpResponse<String>> stop = CompletableFuture.supplyAsync(
                () -> api.post("/api/v1/mags-jobs/dev/stop", api.token, ""));
        await("the stop at the sandbox too").atMost(Duration.ofSeconds(20)).until(() -> agent.waitingAt("stop") == 2);

        agent.release("stop");

        HttpResponse<String> r = stop.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("status").asText()).isEqualTo("error");
        assertThat(status(id).get("error_message").asText()).isEqualTo("stopped by request");
        assertThat(agent.runningCount()).isZero();
    }

    @Test
    void aStopWhileAKeptSandboxGoesToSleepEndsTheJob() throws Exception {
        String id = submit("{\"script\": \"out up\", \"workspace_id\": \"dev\", \"persistent\": true}");
        agent.hold("stop");
        await("the idle sandbox being put to sleep").atMost(Duration.ofSeconds(20))
                .until(() -> agent.waitingAt("stop") == 1);
        CompletableFuture<HttpResponse<String>> stop = CompletableFuture.supplyAsync(
                () -> api.post("/api/v1/mags-jobs/dev/stop", api.token, ""));
        await("the stop at the sandbox too").atMost(Duration.ofSeconds(20)).until(() -> agent.waitingAt("stop") == 2);

        agent.release("stop");

        HttpResponse<String> r = stop.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("status").asText()).isEqualTo("completed");
        assertThat(status(id).get("status").asText()).isEqualTo("completed");
        assertThat(agent.runningCount()).isZero();
    }
}
