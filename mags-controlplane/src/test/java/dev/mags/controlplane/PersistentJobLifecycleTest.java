package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.SandboxId;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/**
 * A persistent job is its sandbox: it stays running after its script (with the script's exit code, which is what
 * {@code mags run -p} returns), later jobs in its workspace run in that sandbox, and it ends only when the sandbox
 * ends — completed when stopped after a script that exited with 0, in error otherwise.
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class PersistentJobLifecycleTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    final FakeAgent agent = new FakeAgent("busybox");
    TestApi api;

    @BeforeEach
    void start() {
        api = new TestApi(backend, dir, agent, ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox"));
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

    private JsonNode awaitScriptEnd(String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).path("exit_code").isInt());
        return status(id);
    }

    private JsonNode awaitStatus(String id, String wanted) {
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).get("status").asText().equals(wanted));
        return status(id);
    }

    @Test
    void staysRunningAfterItsScriptWithTheScriptsExitCodeAndEndsWhenStopped() {
        String id = submit("{\"script\": \"out up\\nexit 3\", \"workspace_id\": \"dev\", \"persistent\": true}");

        JsonNode ran = awaitScriptEnd(id);
        assertThat(ran.get("status").asText()).isEqualTo("running");
        assertThat(ran.get("exit_code").asInt()).isEqualTo(3);
        assertThat(agent.runningCount()).isEqualTo(1);

        String next = submit("{\"script\": \"out again\", \"workspace_id\": \"dev\"}");
        assertThat(awaitStatus(next, "completed").get("exit_code").asInt()).isZero();
        assertThat(agent.launched).as("the second job ran in the first one's sandbox").hasSize(1);

        assertThat(api.post("/api/v1/mags-jobs/dev/stop", api.token, "").statusCode()).isEqualTo(200);
        JsonNode ended = awaitStatus(id, "error");
        assertThat(ended.get("exit_code").asInt()).isEqualTo(3);
        assertThat(ended.get("error_message").asText()).contains("script exited with code 3")
                .contains("its sandbox was stopped");
        assertThat(agent.runningCount()).isZero();
    }

    @Test
    void aStoppedSandboxAfterAScriptThatSucceededIsCompleted() {
        String id = submit("{\"script\": \"out up\", \"workspace_id\": \"dev\", \"persistent\": true}");
        assertThat(awaitScriptEnd(id).get("status").asText()).isEqualTo("running");

        assertThat(api.post("/api/v1/mags-jobs/" + id + "/stop", api.token, "").statusCode()).isEqualTo(200);

        assertThat(awaitStatus(id, "completed").get("exit_code").asInt()).isZero();
    }

    @Test
    void aSandboxThatFailsEndsItsJobInError() {
        String id = submit("{\"script\": \"out up\", \"workspace_id\": \"dev\", \"persistent\": true}");
        awaitScriptEnd(id);

        agent.endSandbox(SandboxId.of(id), ExitReason.FAILED, "runc: container killed");

        JsonNode ended = awaitStatus(id, "error");
        assertThat(ended.get("error_message").asText()).isEqualTo("its sandbox ended: failed (runc: container killed)");
    }

    @Test
    void anEphemeralJobStillCompletesWithItsScript() {
        String id = submit("{\"script\": \"out once\"}");

        assertThat(awaitStatus(id, "completed").get("exit_code").asInt()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.runningCount() == 0);
    }

    @Test
    void aJobStoppedByItsIdInTheKeptSandboxEndsAloneAndTheSandboxStays() {
        String owner = submit("{\"script\": \"out up\\nawait never\", \"workspace_id\": \"dev\", \"persistent\": true}");
        awaitStatus(owner, "running");
        String run = submit("{\"script\": \"out started\\nawait never\", \"workspace_id\": \"dev\"}");
        awaitStatus(run, "running");

        HttpResponse<String> stopped = api.post("/api/v1/mags-jobs/" + run + "/stop", api.token, "");

        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
        assertThat(json(stopped).get("status").asText()).isEqualTo("error");
        assertThat(status(run).get("error_message").asText()).isEqualTo("stopped by request");
        assertThat(status(owner).get("status").asText()).isEqualTo("running");
        assertThat(agent.runningCount()).as("the workspace's sandbox").isEqualTo(1);
        String next = submit("{\"script\": \"out again\", \"workspace_id\": \"dev\"}");
        assertThat(awaitStatus(next, "completed").get("exit_code").asInt()).isZero();
        assertThat(agent.launched).as("every job ran in the owner's sandbox").hasSize(1);

        assertThat(api.post("/api/v1/mags-jobs/dev/stop", api.token, "").statusCode()).isEqualTo(200);
        assertThat(awaitStatus(owner, "error").get("error_message").asText()).contains("stopped");
        assertThat(agent.runningCount()).isZero();
    }

    @Test
    void aJobThatTimesOutInTheKeptSandboxLeavesItUp() {
        String owner = submit("{\"script\": \"out up\", \"workspace_id\": \"dev\", \"persistent\": true}");
        awaitScriptEnd(owner);

        String run = submit("{\"script\": \"await never\", \"workspace_id\": \"dev\", \"timeout_seconds\": 1}");

        assertThat(awaitStatus(run, "error").get("error_message").asText()).isEqualTo("timed out after 1 s");
        assertThat(status(owner).get("status").asText()).isEqualTo("running");
        assertThat(agent.runningCount()).isEqualTo(1);
    }

    @Test
    void theWorkspacesNameStopsItsSandboxWithTheJobRunningInIt() {
        String owner = submit("{\"script\": \"out up\", \"workspace_id\": \"dev\", \"persistent\": true}");
        awaitScriptEnd(owner);
        String run = submit("{\"script\": \"await never\", \"workspace_id\": \"dev\"}");
        awaitStatus(run, "running");

        assertThat(api.post("/api/v1/mags-jobs/dev/stop", api.token, "").statusCode()).isEqualTo(200);

        assertThat(awaitStatus(run, "error").get("error_message").asText()).isEqualTo("stopped by request");
        awaitStatus(owner, "completed");
        assertThat(agent.runningCount()).isZero();
    }
}
