package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mags workspace list and delete. */
class WorkspaceCommandsTest {
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
    void listShowsNameModeAndTimes() {
        cli.server.json("GET", "/api/v1/mags-workspaces", 200, """
                {"workspaces": [{"workspace_id": "proj", "persistent": false,
                  "created_at": "2025-01-02T03:04:05Z", "last_used_at": "2025-01-02T03:05:05Z"}]}""");

        CliFixture.Result result = cli.run("workspace", "list");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("NAME").contains("proj").contains("local").contains("2025-01-02 03:05:05");
    }

    @Test
    void deleteSendsDeleteAndUnknownIsAnError() {
        cli.server.json("DELETE", "/api/v1/mags-workspaces/proj", 200, "{\"workspace_id\":\"proj\",\"deleted\":true}");
        cli.server.json("DELETE", "/api/v1/mags-workspaces/nope", 404,
                "{\"error\":{\"code\":\"workspace_not_found\",\"message\":\"no workspace named 'nope'\"}}");

        CliFixture.Result ok = cli.run("workspace", "delete", "proj");
        CliFixture.Result missing = cli.run("workspace", "delete", "nope");

        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("Deleted workspace proj.");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("no workspace named 'nope'");
    }
}
