package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.sdk.FakeMagsServer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mags new} and {@code mags set}: what they send (the reference CLI's payloads) and what they print. */
class NewAndSetCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOBS = "/api/v1/mags-jobs";

    @TempDir
    Path home;

    private CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(home).acceptJobs("j1");
        cli.server.json("GET", JOBS + "/dev/status", 404, "{\"error\":{\"code\":\"job_not_found\",\"message\":\"no job\"}}");
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    private static String running(String id, String workspace) {
        return FakeMagsServer.job(id, "running", null, null).replaceFirst("}$", ",\"workspace_id\":\"" + workspace + "\"}");
    }

    @Test
    void newSendsWhatTheReferenceSendsAndWaitsUntilItRuns() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        cli.server.on("GET", JOBS + "/j1/status", (request, exchange) -> FakeMagsServer.reply(exchange, 200,
                polls.incrementAndGet() < 3 ? FakeMagsServer.job("j1", "pending", null, null) : running("j1", "dev")));

        CliFixture.Result local = cli.run("new", "dev");

        assertThat(local.exit()).as(local.err()).isZero();
        assertThat(JSON.readTree(cli.server.single("POST", JOBS).body())).isEqualTo(JSON.readTree("""
                {"script": "sleep infinity", "type": "inline", "name": "dev", "workspace_id": "dev", "persistent": true,
                 "startup_command": "sleep infinity", "no_sync": true}"""));
        assertThat(polls.get()).isEqualTo(3);
        assertThat(local.out()).contains("Sandbox 'dev' created (local disk only)", "ID:    j1", "mags ssh dev", "mags exec dev");
    }

    @Test
    void newWithPersistenceBaseAndDisk() throws Exception {
        cli.server.json("GET", JOBS + "/j1/status", 200, running("j1", "dev"));

        assertThat(cli.run("new", "dev", "-p", "--base", "golden", "--disk", "4").exit()).isZero();

        assertThat(JSON.readTree(cli.server.single("POST", JOBS).body())).isEqualTo(JSON.readTree("""
                {"script": "sleep infinity", "type": "inline", "name": "dev", "workspace_id": "dev", "persistent": true,
                 "startup_command": "sleep infinity", "base_workspace_id": "golden", "disk_gb": 4}"""));
    }

    @Test
    void newDoesNotMakeASecondSandboxAndSaysWhyOneCouldNotStart() {
        cli.server.json("GET", JOBS + "/dev/status", 200, running("j0", "dev"));
        CliFixture.Result again = cli.run("new", "dev");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already runs", "j0");
        assertThat(cli.server.requests("POST", JOBS)).isEmpty();

        cli.server.json("GET", JOBS + "/dev/status", 404, "{\"error\":{\"code\":\"job_not_found\",\"message\":\"no job\"}}");
        cli.server.json("GET", JOBS + "/j1/status", 200, FakeMagsServer.job("j1", "error", null, "out of disk space"));
        CliFixture.Result failed = cli.run("new", "dev");
        assertThat(failed.exit()).isEqualTo(125);
        assertThat(failed.err()).contains("could not start: out of disk space");
    }

    @Test
    void setPatchesOnlyWhatIsGiven() throws Exception {
        // The SDK sends PATCH as POST with X-HTTP-Method-Override (HttpURLConnection has no PATCH).
        cli.server.json("POST", JOBS + "/dev", 200, running("j1", "dev").replaceFirst("}$", ",\"no_sleep\":true}"));

        CliFixture.Result set = cli.run("set", "dev", "--no-sleep");

        assertThat(set.exit()).as(set.err()).isZero();
        FakeMagsServer.Request patch = cli.server.single("POST", JOBS + "/dev");
        assertThat(patch.header("X-HTTP-Method-Override")).isEqualTo("PATCH");
        assertThat(JSON.readTree(patch.body())).isEqualTo(JSON.readTree("{\"no_sleep\": true}"));
        assertThat(set.out()).contains("dev: always on (never sleeps); startup command: none");
    }

    @Test
    void setRefusesNothingToChangeAndBothSleepFlags() {
        assertThat(cli.run("set", "dev").exit()).isEqualTo(2);
        CliFixture.Result both = cli.run("set", "dev", "--sleep", "--no-sleep");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        assertThat(cli.server.requests("POST", JOBS + "/dev")).isEmpty();
    }
}
