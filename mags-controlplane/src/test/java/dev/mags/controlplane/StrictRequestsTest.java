package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/**
 * Requests that could be read two ways are refused with a 400 naming the field or header: values of
 * the wrong JSON type, fields given twice, repeated or folded headers. Each case is the attack itself,
 * and afterwards no job exists.
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class StrictRequestsTest {
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

    private JsonNode refused(HttpResponse<String> r, String code, String names) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = json(r).get("error");
        assertThat(error.get("code").asText()).as(r.body()).isEqualTo(code);
        assertThat(error.get("message").asText()).as(r.body()).contains(names);
        return error;
    }

    private long jobCount() {
        return json(api.get("/api/v1/mags-jobs", api.token)).get("total").asLong();
    }

    @Test
    void valuesOfTheWrongJsonTypeAreRefusedNamingTheField() {
        String[][] cases = {
                {"{\"script\": 123}", "'script' must be a string, not 123"},
                {"{\"script\": true}", "'script' must be a string"},
                {"{\"script\": [\"out x\"]}", "'script' must be a string"},
                {"{\"script\": \"out x\", \"memory_mb\": \"1024\"}", "'memory_mb' must be a whole number"},
                {"{\"script\": \"out x\", \"memory_mb\": 1.5}", "'memory_mb' must be a whole number"},
                {"{\"script\": \"out x\", \"memory_mb\": 1024.0}", "'memory_mb' must be a whole number"},
                {"{\"script\": \"out x\", \"memory_mb\": \"\"}", "'memory_mb' must be a whole number"},
                {"{\"script\": \"out x\", \"disk_gb\": 2.5}", "'disk_gb' must be a whole number (a JSON number without a fraction), not 2.5"},
                {"{\"script\": \"out x\", \"timeout_seconds\": \"60\"}", "'timeout_seconds' must be a whole number"},
                {"{\"script\": \"out x\", \"cpus\": \"1\"}", "'cpus' must be a number"},
                {"{\"script\": \"out x\", \"persistent\": 1}", "'persistent' must be true or false, not 1"},
                {"{\"script\": \"out x\", \"ephemeral\": \"true\"}", "'ephemeral' must be true or false"},
                {"{\"script\": \"out x\", \"environment\": {\"A\": 1}}", "'environment.A' must be a string, not 1"},
                {"{\"script\": \"out x\", \"environment\": \"A=1\"}", "'environment' must be an object"},
                {"{\"script\": \"out x\", \"file_ids\": [7]}", "'file_ids[0]' must be a string"},
                {"{\"script\": \"out x\", \"memory_mb\": 99999999999}", "'memory_mb' is not valid"},
        };
        for (String[] c : cases) {
            refused(api.post("/api/v1/mags-jobs", api.token, c[0]), "invalid_field", c[1]);
        }
        assertThat(jobCount()).isZero();
    }

    @Test
    void aFieldGivenTwiceIsRefusedWhicheverCopyWouldWin() {
        refused(api.post("/api/v1/mags-jobs", api.token, "{\"script\": \"out a\", \"script\": \"out b\"}"),
                "duplicate_field", "'script'");
        refused(api.post("/api/v1/mags-jobs", api.token,
                "{\"script\": \"out a\", \"environment\": {\"A\": \"1\", \"A\": \"2\"}}"), "duplicate_field", "'environment.A'");
        refused(api.post("/api/v1/mags-jobs", api.token, "{\"script\": \"out a\", \"memory_mb\": 64, \"memory_mb\": 8192}"),
                "duplicate_field", "'memory_mb'");
        assertThat(jobCount()).isZero();
    }

    @Test
    void aBodyMustBeOneJsonObject() {
        refused(api.post("/api/v1/mags-jobs", api.token, "{\"script\": \"out a\"} {\"script\": \"out b\"}"),
                "invalid_json", "one JSON object");
        refused(api.post("/api/v1/mags-jobs", api.token, "[{\"script\": \"out a\"}]"), "invalid_json", "one JSON object");
        refused(api.post("/api/v1/mags-jobs", api.token, "{\"script\": \"out a\",}"), "invalid_json", "not valid JSON");
        assertThat(jobCount()).isZero();
    }

    @Test
    void whatTheReferenceClientsSendIsAccepted() {
        String[] bodies = {
                "{\"script\": \"out hi\", \"type\": \"inline\"}",
                "{\"script\": \"out hi\", \"type\": \"inline\", \"workspace_id\": \"myproject\", \"persistent\": false, "
                        + "\"no_sync\": true, \"name\": \"n1\", \"disk_gb\": 2, \"environment\": {\"A\": \"b\"}}",
                "{\"script\": \"out hi\", \"type\": \"inline\", \"ephemeral\": true, \"memory_mb\": 256, \"cpus\": 1, "
                        + "\"timeout_seconds\": 30}",
                "{\"script\": \"out hi\", \"cpus\": 0.5, \"name\": null}",
        };
        for (String body : bodies) {
            HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token, body);
            assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(202);
        }
        assertThat(jobCount()).isEqualTo(bodies.length);
    }

    @Test
    void resizeBodiesAreJustAsStrict() {
        api.post("/api/v1/mags-jobs", api.token, "{\"script\": \"out hi\", \"workspace_id\": \"w\"}");
        refused(api.post("/api/v1/mags-workspaces/w/resize", api.token, "{\"disk_gb\": \"5\"}"), "invalid_field",
                "'disk_gb' must be a whole number");
        refused(api.post("/api/v1/mags-workspaces/w/resize", api.token, "{\"disk_gb\": 5.5}"), "invalid_field",
                "'disk_gb' must be a whole number");
        refused(api.post("/api/v1/mags-workspaces/w/resize", api.token, "{\"disk_gb\": 5, \"disk_gb\": 6}"),
                "duplicate_field", "'disk_gb'");
    }

    @Test
    void twoAuthorizationHeadersAreRefusedWhicheverComesFirst() {
        String bob = api.cp.tokens().createToken("bob", false);
        for (String[] order : new String[][] {{api.token, bob}, {api.token, "mags_wrong"}, {"mags_wrong", api.token}}) {
            HttpResponse<String> r = api.send(HttpRequest.newBuilder(api.uri("/api/v1/mags-jobs"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + order[0]).header("Authorization", "Bearer " + order[1])
                    .POST(HttpRequest.BodyPublishers.ofString("{\"script\": \"out x\"}")).build());
            refused(r, "duplicate_header", "Authorization");
        }
        assertThat(jobCount()).isZero();
    }

    @Test
    void aFoldedAuthorizationHeaderIsRefusedThoughUndertowWouldJoinIt() {
        // Undertow joins the continuation with a space: "Bearer <token>", a valid credential.
        String body = "{\"script\": \"out x\"}";
        List<RawHttp.Response> r = RawHttp.exchange(api.cp.port(), "POST /api/v1/mags-jobs HTTP/1.1\r\n"
                + "Host: localhost\r\nAuthorization: Bearer\r\n " + api.token + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);
        assertThat(r).hasSize(1);
        assertThat(r.getFirst().status()).isEqualTo(400);
        assertThat(r.getFirst().body()).contains("invalid_header").contains("Authorization").contains("obs-fold");
        assertThat(jobCount()).isZero();
    }

    @Test
    void aFoldAfterOtherRequestsOnTheConnectionIsFoundInItsOwnRequest() {
        // A body holding CRLF + space, framed by Content-Length, then a chunked body holding the same, then
        // a request with a folded header: only the last is refused, and nothing after it is read.
        String body = "{\"script\":\r\n \"out a\"}";
        String chunk = "{\"script\":\r\n \"out b\"}";
        List<RawHttp.Response> r = RawHttp.exchange(api.cp.port(),
                "POST /api/v1/mags-jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                        + "POST /api/v1/mags-jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token + "\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n"
                        + "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token + "\r\n"
                        + "X-Note: one\r\n\ttwo\r\n\r\n"
                        + "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token + "\r\n\r\n");
        assertThat(r).extracting(RawHttp.Response::status).containsExactly(202, 202, 400);
        assertThat(r.get(2).body()).contains("X-Note");
        assertThat(jobCount()).isEqualTo(2);
    }

    @Test
    void requestsWithoutFoldsShareAConnectionAsBefore() {
        String get = "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token + "\r\n";
        List<RawHttp.Response> r = RawHttp.exchange(api.cp.port(), get + "\r\n" + get + "X-Note: a b\r\n\r\n"
                + get + "Connection: close\r\n\r\n");
        assertThat(r).extracting(RawHttp.Response::status).containsExactly(200, 200, 200);
    }

    @Test
    void bodiesThatCouldBeFramedTwoWaysAreRefused() {
        // Undertow 2.4 refuses these itself, before any handler (a 400 without a body); RequestChecks would too.
        String head = "POST /api/v1/mags-jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token + "\r\n"
                + "Content-Type: application/json\r\n";
        String chunked = "14\r\n{\"script\": \"out x\"}\r\n0\r\n\r\n";
        assertThat(RawHttp.exchange(api.cp.port(), head + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunked)).extracting(RawHttp.Response::status).containsExactly(400);
        assertThat(RawHttp.exchange(api.cp.port(), head + "Content-Length: 20\r\nContent-Length: 4\r\n\r\n"
                + "{\"script\": \"out x\"}")).extracting(RawHttp.Response::status).containsExactly(400);
        assertThat(jobCount()).isZero();
    }

    @Test
    void patchGetsTheSameHeaderChecksAndAJsonAnswer() {
        List<RawHttp.Response> twice = RawHttp.exchange(api.cp.port(), "PATCH /api/v1/mags-jobs/abc HTTP/1.1\r\n"
                + "Host: x\r\nAuthorization: Bearer " + api.token + "\r\nAuthorization: Bearer " + api.token + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(twice.getFirst().status()).isEqualTo(400);
        assertThat(twice.getFirst().body()).contains("duplicate_header");
        HttpResponse<String> patch = api.send(HttpRequest.newBuilder(api.uri("/api/v1/mags-jobs/abc"))
                .header("Authorization", "Bearer " + api.token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"no_sleep\": true}")).build());
        assertThat(patch.statusCode()).isEqualTo(404); // no such job: a JSON 404
        assertThat(json(patch).at("/error/code").asText()).isEqualTo("job_not_found");
    }
}
