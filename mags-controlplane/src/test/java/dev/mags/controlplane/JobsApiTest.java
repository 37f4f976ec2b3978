package dev.mags.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

@ParameterizedClass
@EnumSource(StateBackend.class)
class JobsApiTest {
    @Parameter
    StateBackend backend;

    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    TestApi api;

    @BeforeEach
    void start() {
        api = new TestApi(backend, dir, new FakeAgent("busybox"));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    String submit(String script) {
        HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token,
                "{\"script\": " + JSON.valueToTree(script) + ", \"type\": \"inline\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode body = json(r);
        assertThat(body.get("status").asText()).isEqualTo("accepted");
        return body.get("request_id").asText();
    }

    JsonNode awaitFinal(String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            last[0] = json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token));
            String s = last[0].get("status").asText();
            return s.equals("completed") || s.equals("error");
        });
        return last[0];
    }

    @Test
    void aJobRunsToCompletedAndKeepsItsOutput() {
        String id = submit("out Hello World\nerr oops");
        JsonNode status = awaitFinal(id);
        assertThat(status.get("status").asText()).isEqualTo("completed");
        assertThat(status.get("exit_code").asInt()).isZero();
        assertThat(status.get("started_at").isNull()).isFalse();
        assertThat(status.get("finished_at").isNull()).isFalse();

        JsonNode logs = json(api.get("/api/v1/mags-jobs/" + id + "/logs", api.token)).get("logs");
        assertThat(logs).hasSize(2);
        assertThat(logs.get(0).get("message").asText()).isEqualTo("Hello World");
        assertThat(logs.get(0).get("source").asText()).isEqualTo("stdout");
        assertThat(logs.get(1).get("source").asText()).isEqualTo("stderr");
        assertThat(logs.get(1).get("seq").asLong()).isEqualTo(2);
    }

    @Test
    void aFailingScriptEndsInErrorWithItsExitCode() {
        JsonNode status = awaitFinal(submit("exit 3"));
        assertThat(status.get("status").asText()).isEqualTo("error");
        assertThat(status.get("exit_code").asInt()).isEqualTo(3);
        assertThat(status.get("error_message").asText()).contains("exited with code 3");
    }

    @Test
    void requestsWithoutAValidTokenAre401WithTheJsonErrorShape() {
        HttpResponse<String> none = api.get("/api/v1/mags-jobs", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none).at("/error/code").asText()).isEqualTo("unauthorized");
        assertThat(api.get("/api/v1/mags-jobs", "mags_wrong").statusCode()).isEqualTo(401);
        assertThat(api.post("/api/v1/mags-jobs", null, "{\"script\":\"out x\"}").statusCode()).isEqualTo(401);
    }

    @Test
    void anotherUsersJobIsNotFound() {
        String id = submit("out secret");
        awaitFinal(id);
        String bob = api.cp.tokens().createToken("bob", false);
        for (String path : new String[] {"/status", "/logs", "/events"}) {
            HttpResponse<String> r = api.get("/api/v1/mags-jobs/" + id + path, bob);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).doesNotContain("secret");
        }
        assertThat(api.post("/api/v1/mags-jobs/" + id + "/stop", bob, "").statusCode()).isEqualTo(404);
        assertThat(json(api.get("/api/v1/mags-jobs", bob)).get("total").asLong()).isZero();
    }

    @Test
    void badBodiesAreRefusedNamingTheField() {
        HttpResponse<String> unknown = api.post("/api/v1/mags-jobs", api.token, "{\"script\":\"x\",\"colour\":1}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).at("/error/message").asText()).contains("colour");

        HttpResponse<String> unknownFile = api.post("/api/v1/mags-jobs", api.token,
                "{\"script\":\"x\",\"file_ids\":[\"f1\"]}");
        assertThat(unknownFile.statusCode()).isEqualTo(404);
        assertThat(json(unknownFile).at("/error/message").asText()).contains("f1");

        for (String field : new String[] {"\"no_sleep\":true", "\"startup_command\":\"sleep 1\""}) {
            HttpResponse<String> notPersistent = api.post("/api/v1/mags-jobs", api.token, "{\"script\":\"x\"," + field + "}");
            assertThat(notPersistent.statusCode()).as(field).isEqualTo(400);
            assertThat(json(notPersistent).at("/error/message").asText()).as(field).contains("persistent");
        }
        HttpResponse<String> nul = api.post("/api/v1/mags-jobs", api.token,
                "{\"script\":\"x\",\"persistent\":true,\"startup_command\":\"a\\u0000b\"}");
        assertThat(nul.statusCode()).isEqualTo(400);
        assertThat(json(nul).at("/error/message").asText()).contains("startup_command");
        HttpResponse<String> nulName = api.post("/api/v1/mags-jobs", api.token, "{\"script\":\"x\",\"name\":\"a\\u0000b\"}");
        assertThat(nulName.statusCode()).as(nulName.body()).isEqualTo(400);
        assertThat(json(nulName).at("/error/message").asText()).contains("'name' must not contain NUL");

        assertThat(api.post("/api/v1/mags-jobs", api.token, "{\"type\":\"inline\"}").statusCode()).isEqualTo(400);
        assertThat(api.post("/api/v1/mags-jobs", api.token, "not json").statusCode()).isEqualTo(400);
        assertThat(api.post("/api/v1/mags-jobs", api.token, "{\"script\":\"x\",\"type\":\"file\"}").statusCode())
                .isEqualTo(400);
        assertThat(json(api.get("/api/v1/mags-jobs", api.token)).get("total").asLong()).isZero();
    }

    @Test
    void resourceFieldsBecomeSandboxLimitsWithinTheOperatorsMaximum() {
        HttpResponse<String> ok = api.post("/api/v1/mags-jobs", api.token,
                "{\"script\":\"out x\",\"disk_gb\":3,\"memory_mb\":256,\"cpus\":0.5}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        awaitFinal(json(ok).get("request_id").asText());
        var limits = api.agent.launched.getLast().limits();
        assertThat(limits.diskBytes()).isEqualTo(3L << 30);
        assertThat(limits.memoryBytes()).isEqualTo(256L << 20);
        assertThat(limits.cpuMillis()).isEqualTo(500);

        HttpResponse<String> tooMuch = api.post("/api/v1/mags-jobs", api.token, "{\"script\":\"x\",\"memory_mb\":999999}");
        assertThat(tooMuch.statusCode()).isEqualTo(400);
        assertThat(json(tooMuch).at("/error/message").asText()).contains("memory_mb").contains("8192");
        assertThat(api.post("/api/v1/mags-jobs", api.token, "{\"script\":\"x\",\"disk_gb\":0}").statusCode())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/mags-jobs", api.token, "{\"script\":\"x\",\"cpus\":-1}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void listingIsPaginatedNewestFirst() {
        for (int i = 0; i < 5; i++) {
            awaitFinal(submit("out " + i));
        }
        JsonNode page1 = json(api.get("/api/v1/mags-jobs?page=1&page_size=2", api.token));
        assertThat(page1.get("total").asLong()).isEqualTo(5);
        assertThat(page1.get("jobs")).hasSize(2);
        assertThat(page1.get("jobs").get(0).get("script").asText()).isEqualTo("out 4");
        JsonNode page3 = json(api.get("/api/v1/mags-jobs?page=3&page_size=2", api.token));
        assertThat(page3.get("jobs")).hasSize(1);
        assertThat(page3.get("jobs").get(0).get("script").asText()).isEqualTo("out 0");
        assertThat(api.get("/api/v1/mags-jobs?page_size=1000", api.token).statusCode()).isEqualTo(400);
        assertThat(api.get("/api/v1/mags-jobs?page=x", api.token).statusCode()).isEqualTo(400);
    }

    @Test
    void theListKeepsOnlyTheJobsOfTheStatusAsked() {
        awaitFinal(submit("out ok"));
        awaitFinal(submit("exit 3"));
        awaitFinal(submit("out ok again"));

        JsonNode failed = json(api.get("/api/v1/mags-jobs?status=error", api.token));
        JsonNode completed = json(api.get("/api/v1/mags-jobs?status=completed&page_size=1&page=2", api.token));
        HttpResponse<String> unknown = api.get("/api/v1/mags-jobs?status=finished", api.token);

        assertThat(failed.get("total").asLong()).isEqualTo(1);
        assertThat(failed.get("jobs")).hasSize(1);
        assertThat(failed.get("jobs").get(0).get("script").asText()).isEqualTo("exit 3");
        assertThat(completed.get("total").asLong()).isEqualTo(2);
        assertThat(completed.get("jobs").get(0).get("script").asText()).isEqualTo("out ok");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("invalid_field", "'status' must be one of");
    }

    @Test
    void stopEndsARunningJobInError() {
        String id = submit("out started\nsleep 60000\nout never");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token)).get("status").asText().equals("running"));
        assertThat(api.post("/api/v1/mags-jobs/" + id + "/stop", api.token, "").statusCode()).isEqualTo(200);
        JsonNode status = awaitFinal(id);
        assertThat(status.get("status").asText()).isEqualTo("error");
        assertThat(status.get("error_message").asText()).isEqualTo("stopped by request");
        // Stopping again is harmless.
        assertThat(api.post("/api/v1/mags-jobs/" + id + "/stop", api.token, "").statusCode()).isEqualTo(200);
    }

    @Test
    void timeoutEndsTheJobSayingSo() {
        HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token,
                "{\"script\":\"sleep 60000\",\"timeout_seconds\":1}");
        JsonNode status = awaitFinal(json(r).get("request_id").asText());
        assertThat(status.get("error_message").asText()).isEqualTo("timed out after 1 s");
        assertThat(status.get("exit_code").isNull()).isTrue();
    }

    @Test
    void unknownRoutesAndMethodsAnswerJson() {
        HttpResponse<String> r = api.get("/api/v1/nothing", api.token);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("not_found");
        HttpResponse<String> m = api.post("/api/v1/mags-jobs/x/status", api.token, "{}");
        assertThat(m.statusCode()).isEqualTo(405);
    }

    @Test
    void whoamiNamesTheTokensUser() {
        JsonNode me = json(api.get("/api/v1/me", api.token));
        assertThat(me.get("user").asText()).isEqualTo("alice");
        assertThat(me.get("admin").asBoolean()).isTrue();
        assertThat(api.token).startsWith(me.get("token_prefix").asText());
    }

    @Test
    void aJobIsFoundByItsNameOrWorkspaceAndTheNewestLiveOneWins() {
        String older = submit("{\"script\": \"out one\", \"name\": \"build\", \"workspace_id\": \"proj\"}", true);
        awaitFinal(older);
        String live = submit("{\"script\": \"sleep 60000\", \"name\": \"build\", \"workspace_id\": \"proj\"}", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> statusOf("build").equals("running"));
        String newerFinished = submit("{\"script\": \"out three\", \"name\": \"build\"}", true);
        awaitFinal(newerFinished);

        for (String name : new String[] {"build", "proj"}) {
            JsonNode found = json(api.get("/api/v1/mags-jobs/" + name + "/status", api.token));
            assertThat(found.get("request_id").asText()).as(name).isEqualTo(live);
        }
        assertThat(json(api.get("/api/v1/mags-jobs/proj/logs", api.token)).get("request_id").asText()).isEqualTo(live);
        JsonNode stopped = json(api.post("/api/v1/mags-jobs/build/stop", api.token, ""));
        assertThat(stopped.get("request_id").asText()).isEqualTo(live);
        awaitFinal(live);
        assertThat(json(api.get("/api/v1/mags-jobs/build/status", api.token)).get("request_id").asText())
                .as("no live job left: the newest of that name").isEqualTo(newerFinished);

        String bob = api.cp.tokens().createToken("bob", false);
        for (String path : new String[] {"/status", "/logs", "/events"}) {
            HttpResponse<String> r = api.get("/api/v1/mags-jobs/build" + path, bob);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).doesNotContain(live);
        }
        HttpResponse<String> unknown = api.get("/api/v1/mags-jobs/nothing-here/status", api.token);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).at("/error/message").asText()).contains("mags list");
    }

    @Test
    void aPersistentJobWithoutWorkspaceGetsOneNamedAndItsSleepSettingsArePatched() {
        String id = submit("{\"script\": \"out hi\", \"persistent\": true, \"no_sync\": true, "
                + "\"startup_command\": \"sleep infinity\"}", true);
        JsonNode job = json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token));
        String workspace = job.get("workspace_id").asText();
        assertThat(workspace).matches("ws-[0-9a-f]{12}");
        assertThat(job.get("no_sleep").asBoolean()).isFalse();
        assertThat(job.get("startup_command").asText()).isEqualTo("sleep infinity");

        JobSettings patched = patch(workspace, "{\"no_sleep\": true}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.body().get("request_id").asText()).isEqualTo(id);
        assertThat(patched.body().get("no_sleep").asBoolean()).isTrue();
        assertThat(patched.body().get("startup_command").asText()).as("left out: kept").isEqualTo("sleep infinity");
        patched = patch(id, "{\"startup_command\": \"\"}");
        assertThat(patched.body().has("startup_command")).as("empty: removed").isFalse();
        assertThat(json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token)).get("no_sleep").asBoolean()).isTrue();

        String ephemeral = submit("out x");
        awaitFinal(ephemeral);
        JobSettings refused = patch(ephemeral, "{\"no_sleep\": true}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().at("/error/message").asText()).contains("persistent");
        assertThat(patch(id, "{}").status()).isEqualTo(400);
        assertThat(patch(id, "{\"no_sleep\": \"yes\"}").status()).isEqualTo(400);
        assertThat(patch(id, "{\"colour\": 1}").status()).isEqualTo(400);
        String bob = api.cp.tokens().createToken("bob", false);
        assertThat(api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/mags-jobs/" + id))
                .header("Authorization", "Bearer " + bob).header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"no_sleep\": false}")).build())
                .statusCode()).isEqualTo(404);
        assertThat(json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token)).get("no_sleep").asBoolean())
                .as("bob changed nothing").isTrue();
    }

    @Test
    void theSeedsCurlExampleIsAccepted() {
        String id = submit("""
                {"script": "echo Hello World", "type": "inline", "workspace_id": "myproject",
                 "persistent": true, "no_sleep": true}""", true);
        JsonNode job = json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token));
        assertThat(job.get("workspace_id").asText()).isEqualTo("myproject");
        assertThat(job.get("no_sleep").asBoolean()).isTrue();
    }

    record JobSettings(int status, JsonNode body) {}

    JobSettings patch(String id, String body) {
        HttpResponse<String> r = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/mags-jobs/" + id))
                .header("Authorization", "Bearer " + api.token).header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
        return new JobSettings(r.statusCode(), json(r));
    }

    String statusOf(String id) {
        return json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token)).get("status").asText();
    }

    /** Submits a raw body; returns the request id. */
    String submit(String body, boolean raw) {
        HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json(r).get("request_id").asText();
    }
}
