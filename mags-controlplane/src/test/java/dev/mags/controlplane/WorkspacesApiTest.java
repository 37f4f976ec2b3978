package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.JSON;
import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.protocol.v2.WorkspaceKey;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/** Local workspaces through the REST API, over the fake agent. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class WorkspacesApiTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    TestApi api;
    FakeAgent agent = new FakeAgent("busybox");

    TestApi start(Duration idle) {
        api = new TestApi(backend, dir, agent, ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox").withWorkspaceIdleTimeout(idle));
        return api;
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    HttpResponse<String> post(String token, String script, String workspace) {
        return api.post("/api/v1/mags-jobs", token, "{\"script\": " + JSON.valueToTree(script) + ", \"workspace_id\": "
                + JSON.valueToTree(workspace) + "}");
    }

    String submit(String token, String script, String workspace) {
        HttpResponse<String> r = post(token, script, workspace);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json(r).get("request_id").asText();
    }

    String status(String token, String id) {
        return json(api.get("/api/v1/mags-jobs/" + id + "/status", token)).get("status").asText();
    }

    void awaitStatus(String token, String id, String status) {
        await().atMost(Duration.ofSeconds(10)).until(() -> status(token, id).equals(status));
    }

    List<String> names(String token) {
        JsonNode list = json(api.get("/api/v1/mags-workspaces", token)).get("workspaces");
        return java.util.stream.StreamSupport.stream(list.spliterator(), false).map(w -> w.get("workspace_id").asText()).toList();
    }

    @Test
    void badNamesAndContradictoryModesAreRefused() {
        start(Duration.ofMinutes(10));
        for (String bad : List.of("", "-x", "a/b", "a b", "x".repeat(65), "../up")) {
            HttpResponse<String> r = post(api.token, "out hi", bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(r).get("error").get("code").asText()).isEqualTo("invalid_field");
            assertThat(r.body()).contains("workspace_id");
        }
        HttpResponse<String> noSync = api.post("/api/v1/mags-jobs", api.token, "{\"script\": \"out hi\", \"no_sync\": true}");
        assertThat(noSync.statusCode()).isEqualTo(400);
        assertThat(json(noSync).at("/error/message").asText()).contains("workspace_id");
        HttpResponse<String> ephemeral = api.post("/api/v1/mags-jobs", api.token,
                "{\"script\": \"out hi\", \"ephemeral\": true, \"workspace_id\": \"ws\"}");
        assertThat(ephemeral.statusCode()).isEqualTo(400);
        HttpResponse<String> base = api.post("/api/v1/mags-jobs", api.token,
                "{\"script\": \"out hi\", \"base_workspace_id\": \"golden\"}");
        assertThat(base.statusCode()).isEqualTo(404);
        assertThat(json(base).get("error").get("code").asText()).isEqualTo("workspace_not_found");
        assertThat(agent.launched).isEmpty();
    }

    @Test
    void aSecondJobInABusyWorkspaceWaitsPendingWhileOtherWorkspacesRun() {
        start(Duration.ofMinutes(10));
        String first = submit(api.token, "await first\nout first", "ws");
        awaitStatus(api.token, first, "running");
        String second = submit(api.token, "out second", "ws");
        String elsewhere = submit(api.token, "out elsewhere", "other");

        awaitStatus(api.token, elsewhere, "completed");
        assertThat(status(api.token, second)).isEqualTo("pending");
        agent.open("first");
        awaitStatus(api.token, first, "completed");
        awaitStatus(api.token, second, "completed");
        assertThat(json(api.get("/api/v1/mags-jobs/" + second + "/status", api.token)).get("workspace_id").asText())
                .isEqualTo("ws");
        assertThat(agent.launched).extracting(spec -> spec.id().value()).containsExactly(first, elsewhere, second);
    }

    @Test
    void namesArePerUser() {
        start(Duration.ofMinutes(10));
        String bob = api.cp.tokens().createToken("bob", false);
        awaitStatus(api.token, submit(api.token, "out a", "proj"), "completed");
        awaitStatus(bob, submit(bob, "out b", "proj"), "completed");

        List<WorkspaceKey> keys = agent.launched.stream().map(s -> Objects.requireNonNull(s.workspace()).key()).toList();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
        assertThat(names(api.token)).containsExactly("proj");
        assertThat(names(bob)).containsExactly("proj");
        JsonNode listed = json(api.get("/api/v1/mags-workspaces", api.token)).get("workspaces").get(0);
        assertThat(listed.get("persistent").asBoolean()).isFalse();
        assertThat(listed.get("last_used_at").isNull()).isFalse();

        assertThat(api.delete("/api/v1/mags-workspaces/proj", bob).statusCode()).isEqualTo(200);
        assertThat(names(bob)).isEmpty();
        assertThat(names(api.token)).containsExactly("proj");
        assertThat(agent.deletedWorkspaces).containsExactly(keys.get(1));
    }

    @Test
    void storedWorkspacesComeFromTheCatalogAndDeleteRemovesThemFromStorage() {
        FakeCatalog catalog = new FakeCatalog();
        api = new TestApi(backend, dir, agent, ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox"), catalog);
        String bob = api.cp.tokens().createToken("bob", false);
        HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token,
                "{\"script\": \"exit 0\", \"workspace_id\": \"w\", \"persistent\": true}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = json(r).get("request_id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token)).path("exit_code").isInt());
        String alice = agent.launched.getLast().workspace().stored().owner();
        catalog.put(alice, "w", "snap-3", 1234, 3);
        catalog.put("someone-else", "w", "snap-9", 999, 9);

        JsonNode w = json(api.get("/api/v1/mags-workspaces/w", api.token));
        assertThat(w.get("size_bytes").asLong()).isEqualTo(1234);
        assertThat(w.get("snapshot_count").asInt()).isEqualTo(3);
        assertThat(w.get("last_sync_at").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(api.get("/api/v1/mags-workspaces/w", bob).statusCode()).as("another user's").isEqualTo(404);

        assertThat(api.delete("/api/v1/mags-workspaces/w", api.token).statusCode()).isEqualTo(200);
        assertThat(agent.runningCount()).as("the -p job's sandbox, which stayed, ended").isZero();
        assertThat(catalog.storedWorkspaces(alice)).isEmpty();
        assertThat(catalog.storedWorkspaces("someone-else")).hasSize(1);
    }

    @Test
    void deleteIs404ForUnknownAnd409WhileAJobRuns() {
        start(Duration.ofMinutes(10));
        assertThat(api.delete("/api/v1/mags-workspaces/nope", api.token).statusCode()).isEqualTo(404);
        String id = submit(api.token, "await done", "ws");
        awaitStatus(api.token, id, "running");

        HttpResponse<String> busy = api.delete("/api/v1/mags-workspaces/ws", api.token);
        assertThat(busy.statusCode()).as(busy.body()).isEqualTo(409);
        assertThat(json(busy).get("error").get("code").asText()).isEqualTo("workspace_busy");
        agent.open("done");

        awaitStatus(api.token, id, "completed");
        assertThat(api.delete("/api/v1/mags-workspaces/ws", api.token).statusCode()).isEqualTo(200);
        assertThat(names(api.token)).isEmpty();
        assertThat(agent.workspaces()).isEmpty();
        assertThat(api.delete("/api/v1/mags-workspaces/ws", api.token).statusCode()).isEqualTo(404);
    }

    @Test
    void idleWorkspacesAreRemovedButNotWhileUsed() {
        start(Duration.ofMillis(400));
        String id = submit(api.token, "await done", "ws");
        awaitStatus(api.token, id, "running");
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> names(api.token).contains("ws"));
        agent.open("done");
        awaitStatus(api.token, id, "completed");

        await().atMost(Duration.ofSeconds(5)).until(() -> names(api.token).isEmpty());
        assertThat(agent.deletedWorkspaces).hasSize(1);
        assertThat(agent.workspaces()).isEmpty();
    }
}
