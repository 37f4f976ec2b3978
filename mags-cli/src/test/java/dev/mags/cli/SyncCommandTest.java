package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.sdk.LostAnswerServer;
import dev.mags.testkit.FreePort;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mags sync: what it says when the sync committed, changed nothing, or its answer was lost. */
class SyncCommandTest {
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
    void aSyncSaysWhichSnapshotHoldsTheWorkspace() {
        cli.server.json("POST", "/api/v1/mags-jobs/ws/sync", 200, """
                {"workspace_id": "ws", "snapshot_id": "20251123T072301123Z-9f3a01bc", "synced_at": "2025-11-23T07:23:01Z",
                 "files": 3, "bytes": 2048, "bytes_uploaded": 1024, "duration_ms": 42, "unchanged": false}""");

        CliFixture.Result result = cli.run("sync", "ws");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("Synced workspace ws as snapshot 20251123T072301123Z-9f3a01bc: 3 files");
    }

    @Test
    void anUnchangedWorkspaceNamesItsLatestSnapshot() {
        cli.server.json("POST", "/api/v1/mags-jobs/ws/sync", 200, """
                {"workspace_id": "ws", "snapshot_id": "20251123T072301123Z-9f3a01bc", "synced_at": "2025-11-23T07:23:01Z",
                 "files": 3, "bytes": 2048, "bytes_uploaded": 0, "duration_ms": 5, "unchanged": true}""");

        CliFixture.Result result = cli.run("sync", "ws");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("Workspace ws is unchanged since snapshot 20251123T072301123Z-9f3a01bc");
    }

    @Test
    void aLostAnswerSaysTheResultIsUnknownAndHowToCheck() {
        try (LostAnswerServer dying = LostAnswerServer.start()) {
            cli.env.put("MAGS_API_URL", dying.uri().toString());

            CliFixture.Result result = cli.run("sync", "ws");

            assertThat(dying.requestLines()).containsExactly("POST /api/v1/mags-jobs/ws/sync HTTP/1.1");
            assertThat(result.exit()).isEqualTo(1);
            assertThat(result.err()).startsWith("mags: the sync of workspace ws may or may not have completed: ")
                    .contains("mags workspace list").contains("mags sync ws").doesNotContain("cannot reach");
        }
    }

    @Test
    void aServerThatCannotBeReachedGotNothing() {
        cli.env.put("MAGS_API_URL", "http://127.0.0.1:" + FreePort.pick());

        CliFixture.Result result = cli.run("sync", "ws");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).startsWith("mags: cannot reach the mags server at ");
    }
}
