package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.controlplane.config.ControlPlaneConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * {@code /api/v1/mags-cron} and the scheduler on a clock the test moves: runs are ordinary jobs named after
 * the cron job, an overlapping run is skipped and recorded, disabling and deleting stop runs, missed runs
 * are made up once after a restart, and another user's cron job is 404.
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class CronApiTest {
    @Parameter
    StateBackend backend;

    private static final Instant START = Instant.parse("2026-03-01T10:00:30Z");
    private static final String CRON = "/api/v1/mags-cron";

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(START);
    TestApi api;

    @BeforeEach
    void start() {
        api = new TestApi(backend, dir, new FakeAgent("busybox"), ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox"), clock);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private JsonNode create(String body) {
        HttpResponse<String> r = api.post(CRON, api.token, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r);
    }

    private JsonNode get(String id) {
        HttpResponse<String> r = api.get(CRON + "/" + id, api.token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    /** Moves the clock to {@code t} and runs the scheduler's pass there. */
    private void at(String t) {
        clock.set(Instant.parse(t));
        api.cp.cronScheduler().runDue();
    }

    /** The caller's jobs with this name, newest first. */
    private List<JsonNode> jobsNamed(String name) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode j : json(api.get("/api/v1/mags-jobs?page_size=100", api.token)).get("jobs")) {
            if (name.equals(j.get("name").asText(null))) {
                out.add(j);
            }
        }
        return out;
    }

    @Test
    void eachScheduledMinuteRunsTheScriptAsAJobNamedAfterTheCronJob() {
        JsonNode c = create("{\"name\": \"tick\", \"cron_expression\": \"* * * * *\", \"script\": \"out tick\","
                + " \"workspace_id\": \"monitors\", \"environment\": {\"A\": \"1\"}}");
        assertThat(c.get("next_run_at").asText()).isEqualTo("2026-03-01T10:01:00Z");
        assertThat(c.get("enabled").asBoolean()).isTrue();
        assertThat(c.get("timezone").asText()).isEqualTo("UTC");
        assertThat(c.get("last_run_at").isNull()).isTrue();
        String id = c.get("id").asText();

        at("2026-03-01T10:00:59Z");
        assertThat(jobsNamed("tick")).isEmpty();
        at("2026-03-01T10:01:00Z");
        await().atMost(Duration.ofSeconds(10)).until(() -> jobsNamed("tick").size() == 1
                && jobsNamed("tick").getFirst().get("status").asText().equals("completed"));
        JsonNode job = jobsNamed("tick").getFirst();
        assertThat(job.get("workspace_id").asText()).isEqualTo("monitors");
        assertThat(api.agent.execs.getLast().environment()).containsEntry("A", "1"); // a job's environment is its exec's
        String logs = api.get("/api/v1/mags-jobs/" + job.get("request_id").asText() + "/logs", api.token).body();
        assertThat(logs).contains("tick");

        JsonNode shown = get(id);
        assertThat(shown.get("last_run_at").asText()).isEqualTo("2026-03-01T10:01:00Z");
        assertThat(shown.get("last_request_id").asText()).isEqualTo(job.get("request_id").asText());
        assertThat(shown.get("last_status").asText()).isEqualTo("completed");
        assertThat(shown.get("next_run_at").asText()).isEqualTo("2026-03-01T10:02:00Z");

        JsonNode list = json(api.get(CRON, api.token));
        assertThat(list.get("cron_jobs")).hasSize(1);
        assertThat(list.get("cron_jobs").get(0).get("cron_expression").asText()).isEqualTo("* * * * *");

        at("2026-03-01T10:02:00Z");
        await().atMost(Duration.ofSeconds(10)).until(() -> jobsNamed("tick").size() == 2);
    }

    @Test
    void aRunWhoseRunBeforeIsStillGoingIsSkippedAndRecorded() {
        String id = create("{\"name\": \"slow\", \"cron_expression\": \"*/5 * * * *\", \"script\": \"sleep 600000\"}")
                .get("id").asText();
        at("2026-03-01T10:05:00Z");
        await().atMost(Duration.ofSeconds(10)).until(() -> jobsNamed("slow").size() == 1
                && jobsNamed("slow").getFirst().get("status").asText().equals("running"));
        String first = jobsNamed("slow").getFirst().get("request_id").asText();

        at("2026-03-01T10:10:00Z");
        JsonNode c = get(id);
        assertThat(c.get("last_status").asText()).isEqualTo("skipped");
        assertThat(c.get("skipped_runs").asLong()).isEqualTo(1);
        assertThat(c.get("last_run_at").asText()).isEqualTo("2026-03-01T10:10:00Z");
        assertThat(c.get("last_error").asText()).contains("skipped").contains(first);
        assertThat(jobsNamed("slow")).hasSize(1);

        assertThat(api.post("/api/v1/mags-jobs/" + first + "/stop", api.token, "{}").statusCode()).isEqualTo(200);
        // a stop answers while the job is still stopping: the next run is due only once it has ended
        await().atMost(Duration.ofSeconds(10)).until(() -> jobsNamed("slow").getFirst().get("status").asText().equals("error"));
        at("2026-03-01T10:15:00Z");
        await().atMost(Duration.ofSeconds(10)).until(() -> jobsNamed("slow").size() == 2);
        assertThat(get(id).get("last_request_id").asText()).isNotEqualTo(first);
    }

    @Test
    void disablingStopsFutureRunsAndEnablingCountsFromNow() {
        String id = create("{\"name\": \"n\", \"cron_expression\": \"0 * * * *\", \"script\": \"out x\"}")
                .get("id").asText();
        HttpResponse<String> off = api.patch(CRON + "/" + id, api.token, "{\"enabled\": false}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThat(json(off).get("next_run_at").isNull()).isTrue();
        at("2026-03-01T11:00:00Z");
        at("2026-03-01T13:00:00Z");
        assertThat(jobsNamed("n")).isEmpty();

        JsonNode on = json(api.patch(CRON + "/" + id, api.token, "{\"enabled\": true, \"script\": \"out y\"}"));
        assertThat(on.get("next_run_at").asText()).isEqualTo("2026-03-01T14:00:00Z");
        assertThat(on.get("script").asText()).isEqualTo("out y");
        at("2026-03-01T14:00:00Z");
        await().atMost(Duration.ofSeconds(10)).until(() -> jobsNamed("n").size() == 1);
    }

    @Test
    void deletingACronJobStopsItsRunsAndLeavesItsPastJobs() {
        String id = create("{\"name\": \"d\", \"cron_expression\": \"* * * * *\", \"script\": \"out x\"}")
                .get("id").asText();
        at("2026-03-01T10:01:00Z");
        await().atMost(Duration.ofSeconds(10)).until(() -> jobsNamed("d").size() == 1);
        HttpResponse<String> del = api.delete(CRON + "/" + id, api.token);
        assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
        assertThat(api.get(CRON + "/" + id, api.token).statusCode()).isEqualTo(404);
        at("2026-03-01T10:05:00Z");
        assertThat(jobsNamed("d")).hasSize(1);
        String jobId = jobsNamed("d").getFirst().get("request_id").asText();
        assertThat(api.get("/api/v1/mags-jobs/" + jobId + "/logs", api.token).statusCode()).isEqualTo(200);
    }

    @Test
    void anotherUsersCronJobIsNotFoundAndNotListed() {
        String id = create("{\"name\": \"mine\", \"cron_expression\": \"* * * * *\", \"script\": \"out x\"}")
                .get("id").asText();
        String bob = api.cp.tokens().createToken("bob", false);
        assertThat(api.get(CRON + "/" + id, bob).statusCode()).isEqualTo(404);
        assertThat(api.patch(CRON + "/" + id, bob, "{\"enabled\": false}").statusCode()).isEqualTo(404);
        assertThat(api.delete(CRON + "/" + id, bob).statusCode()).isEqualTo(404);
        assertThat(json(api.get(CRON, bob)).get("cron_jobs")).isEmpty();
        assertThat(get(id).get("enabled").asBoolean()).isTrue();
        // The same name is free for another user.
        assertThat(api.post(CRON, bob, "{\"name\": \"mine\", \"cron_expression\": \"* * * * *\", \"script\": \"x\"}")
                .statusCode()).isEqualTo(201);
    }

    @Test
    void badInputIsRefusedNamingWhatIsWrong() {
        HttpResponse<String> minute = api.post(CRON, api.token,
                "{\"name\": \"a\", \"cron_expression\": \"61 * * * *\", \"script\": \"x\"}");
        assertThat(minute.statusCode()).isEqualTo(400);
        assertThat(json(minute).get("error").get("message").asText()).contains("minute field \"61\"");
        HttpResponse<String> dow = api.post(CRON, api.token,
                "{\"name\": \"a\", \"cron_expression\": \"0 0 * * MONDAY\", \"script\": \"x\"}");
        assertThat(json(dow).get("error").get("message").asText()).contains("day-of-week field");
        HttpResponse<String> four = api.post(CRON, api.token,
                "{\"name\": \"a\", \"cron_expression\": \"* * * *\", \"script\": \"x\"}");
        assertThat(json(four).get("error").get("message").asText()).contains("5 fields");
        HttpResponse<String> zone = api.post(CRON, api.token,
                "{\"name\": \"a\", \"cron_expression\": \"* * * * *\", \"script\": \"x\", \"timezone\": \"Mars/Base\"}");
        assertThat(zone.statusCode()).isEqualTo(400);
        assertThat(json(zone).get("error").get("message").asText()).contains("'timezone'");
        HttpResponse<String> noScript = api.post(CRON, api.token, "{\"name\": \"a\", \"cron_expression\": \"* * * * *\"}");
        assertThat(json(noScript).get("error").get("message").asText()).contains("'script'");
        HttpResponse<String> persistent = api.post(CRON, api.token,
                "{\"name\": \"a\", \"cron_expression\": \"* * * * *\", \"script\": \"x\", \"persistent\": true}");
        assertThat(json(persistent).get("error").get("message").asText()).contains("workspace_id");
        HttpResponse<String> unknown = api.post(CRON, api.token,
                "{\"name\": \"a\", \"cron_expression\": \"* * * * *\", \"script\": \"x\", \"shedule\": 1}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        create("{\"name\": \"a\", \"cron_expression\": \"* * * * *\", \"script\": \"x\"}");
        HttpResponse<String> again = api.post(CRON, api.token,
                "{\"name\": \"a\", \"cron_expression\": \"0 0 * * *\", \"script\": \"y\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(api.get(CRON, api.token)).get("cron_jobs")).hasSize(1);
    }

    @Test
    void runsMissedWhileTheServerWasDownRunOnceAtStart() {
        create("{\"name\": \"m\", \"cron_expression\": \"*/10 * * * *\", \"script\": \"out x\"}");
        api.cp.close();
        clock.set(Instant.parse("2026-03-01T11:35:00Z")); // 10:10 ... 11:30 missed: nine times
        try (ControlPlane again = new ControlPlane(ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox"), api.db,
                new dev.mags.controlplane.placement.SingleAgent(new FakeAgent("busybox")),
                dev.mags.controlplane.workspace.WorkspaceCatalog.NONE, api.files, clock).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> countJobs(again, "m") == 1);
            again.cronScheduler().runDue();
            assertThat(countJobs(again, "m")).isEqualTo(1);
            clock.set(Instant.parse("2026-03-01T11:40:00Z"));
            again.cronScheduler().runDue();
            await().atMost(Duration.ofSeconds(10)).until(() -> countJobs(again, "m") == 2);
        }
    }

    private long countJobs(ControlPlane cp, String name) {
        java.net.http.HttpRequest r = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + cp.port() + "/api/v1/mags-jobs?page_size=100"))
                .header("Authorization", "Bearer " + api.token).build();
        JsonNode jobs = json(api.send(r)).get("jobs");
        long n = 0;
        for (JsonNode j : jobs) {
            if (name.equals(j.get("name").asText(null))) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aPostWithTheOverrideHeaderIsAPatchAndNothingElse() {
        String id = create("{\"name\": \"o\", \"cron_expression\": \"* * * * *\", \"script\": \"x\"}")
                .get("id").asText();
        HttpResponse<String> patched = api.send(java.net.http.HttpRequest.newBuilder(api.uri(CRON + "/" + id))
                .header("Authorization", "Bearer " + api.token).header("Content-Type", "application/json")
                .header("X-HTTP-Method-Override", "PATCH")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"enabled\": false}")).build());
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(get(id).get("enabled").asBoolean()).isFalse();
        HttpResponse<String> deleted = api.send(java.net.http.HttpRequest.newBuilder(api.uri(CRON + "/" + id))
                .header("Authorization", "Bearer " + api.token).header("X-HTTP-Method-Override", "DELETE")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(deleted.statusCode()).isEqualTo(405);
        assertThat(get(id).get("name").asText()).isEqualTo("o");
    }

    @Test
    void aTimeZoneMovesTheRunsToItsWallClock() {
        JsonNode c = create("{\"name\": \"paris\", \"cron_expression\": \"0 9 * * *\", \"script\": \"x\","
                + " \"timezone\": \"Europe/Paris\"}");
        assertThat(c.get("next_run_at").asText()).isEqualTo("2026-03-02T08:00:00Z");
    }
}
