package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mags cron add, list, enable, disable and remove: what they send and what they print. */
class CronCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TICK = """
            {"id": "c1", "name": "tick", "cron_expression": "* * * * *", "timezone": "UTC", "script": "date >> /root/ticks",
             "workspace_id": "monitors", "environment": {}, "persistent": false, "enabled": true,
             "created_at": "2026-03-01T10:00:00Z", "next_run_at": "2026-03-01T10:01:00Z",
             "last_run_at": "2026-03-01T10:00:00Z", "last_status": "completed", "last_request_id": "job-9",
             "last_error": null, "skipped_runs": 0}""";

    @TempDir
    Path home;

    private CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(home);
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    @Test
    void addSendsTheSeedsFieldsAsTyped() throws Exception {
        cli.server.json("POST", "/api/v1/mags-cron", 201, TICK);

        CliFixture.Result r = cli.run("cron", "add", "--name", "tick", "--schedule", "* * * * *", "-w", "monitors",
                "date >> /root/ticks");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode sent = JSON.readTree(cli.server.single("POST", "/api/v1/mags-cron").body());
        assertThat(sent.get("name").asText()).isEqualTo("tick");
        assertThat(sent.get("cron_expression").asText()).isEqualTo("* * * * *");
        assertThat(sent.get("script").asText()).isEqualTo("date >> /root/ticks");
        assertThat(sent.get("workspace_id").asText()).isEqualTo("monitors");
        assertThat(sent.has("persistent")).isFalse();
        assertThat(r.out()).contains("Added cron job tick (id c1)").contains("next run at");
    }

    @Test
    void addWithoutASchedulePointsAtTheOption() {
        CliFixture.Result r = cli.run("cron", "add", "--name", "tick", "echo hi");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--schedule");
        assertThat(cli.server.requests()).isEmpty();
    }

    @Test
    void aBadScheduleShowsTheServersMessage() {
        cli.server.json("POST", "/api/v1/mags-cron", 400, "{\"error\":{\"code\":\"invalid_cron_expression\","
                + "\"message\":\"'cron_expression': the minute field \\\"61\\\" is not valid\"}}");
        CliFixture.Result r = cli.run("cron", "add", "-n", "t", "-s", "61 * * * *", "echo hi");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("the minute field \"61\"");
    }

    @Test
    void listShowsTheLastRun() {
        cli.server.json("GET", "/api/v1/mags-cron", 200, "{\"cron_jobs\": [" + TICK + "]}");
        CliFixture.Result r = cli.run("cron", "list");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("LAST STATUS").contains("tick").contains("* * * * *").contains("monitors")
                .contains("completed").contains("job-9");
    }

    @Test
    void enableDisableAndRemoveTakeANameOrAnId() throws Exception {
        cli.server.json("GET", "/api/v1/mags-cron", 200, "{\"cron_jobs\": [" + TICK + "]}");
        cli.server.json("POST", "/api/v1/mags-cron/c1", 200, TICK.replace("\"enabled\": true", "\"enabled\": false"));
        cli.server.json("DELETE", "/api/v1/mags-cron/c1", 200, "{\"id\": \"c1\", \"deleted\": true}");

        CliFixture.Result off = cli.run("cron", "disable", "tick");
        assertThat(off.exit()).as(off.err()).isZero();
        assertThat(off.out()).contains("Disabled cron job tick");
        var patch = cli.server.single("POST", "/api/v1/mags-cron/c1");
        assertThat(patch.header("X-HTTP-Method-Override")).isEqualTo("PATCH");
        assertThat(JSON.readTree(patch.body()).get("enabled").asBoolean()).isFalse();

        CliFixture.Result on = cli.run("cron", "enable", "c1");
        assertThat(on.exit()).as(on.err()).isZero();
        assertThat(JSON.readTree(cli.server.requests("POST", "/api/v1/mags-cron/c1").getLast().body())
                .get("enabled").asBoolean()).isTrue();

        CliFixture.Result rm = cli.run("cron", "remove", "tick");
        assertThat(rm.exit()).as(rm.err()).isZero();
        assertThat(rm.out()).contains("Removed cron job tick (id c1).");

        CliFixture.Result unknown = cli.run("cron", "remove", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no cron job with id or name 'nope'");
    }

    @Test
    void helpListsTheSubcommands() {
        CliFixture.Result r = cli.run("cron", "--help");
        assertThat(r.out() + r.err()).contains("add").contains("list").contains("enable").contains("disable")
                .contains("remove");
        CliFixture.Result add = cli.run("cron", "add", "--help");
        assertThat(add.out()).contains("--schedule").contains("--workspace").contains("--persistent");
    }
}
