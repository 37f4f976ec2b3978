package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.workspace.WorkspaceBackup;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.SyncResult;
import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.protocol.v2.WorkspaceMount;
import dev.mags.storage.StorageSettings;
import dev.mags.storage.WorkspaceStorage;
import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.object.InMemoryObjectStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A live sandbox of a stored workspace is synced every sync interval (one second here). Needs root. */
class PeriodicSyncIT {
    private static ItHost host;
    private static LocalAgent agent;
    private static WorkspaceStorage storage;

    @BeforeAll
    static void setUp() throws IOException {
        host = ItHost.create();
        storage = new WorkspaceStorage(new InMemoryObjectStore(), StorageSettings.defaults(host.base.resolve("storage-state")));
        agent = host.agent(new WorkspaceBackup(storage, host.base.resolve("bases"), Duration.ofSeconds(1)));
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (host != null) {
            host.close();
        }
    }

    @AfterEach
    void nothingLeftBehind() {
        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }

    private static JobSpec spec(String script) {
        return JobSpec.shell(ItHost.uniqueId("p"), "busybox", script, Map.of(), null);
    }

    @Test
    void periodicSyncsCatchWritesWhileTheCommandRuns() throws Exception {
        WorkspaceMount ws = new WorkspaceMount(WorkspaceKey.of(ItHost.uniqueId("periodic")),
                new StoredWorkspace("u1", "periodic-" + System.nanoTime()));
        Job running = Job.launch(agent, spec("echo early > /root/early; sleep 60").withWorkspace(ws),
                new RecordingListener());
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> storage.workspaces("u1").stream()
                            .anyMatch(w -> w.workspace().name().equals(ws.stored().name()) && w.files() >= 1));
            assertThatThrownBy(() -> Job.launch(agent, spec("true").withWorkspace(ws), new RecordingListener()))
                    .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.WORKSPACE_BUSY));
        } finally {
            running.stop(Duration.ofSeconds(1));
            running.exit().get(60, TimeUnit.SECONDS);
        }
        assertThat(agent.workspaces()).anySatisfy(w -> {
            assertThat(w.key()).isEqualTo(ws.key());
            assertThat(w.liveSandbox()).isFalse();
        });
        SyncResult again = agent.syncWorkspace(ws.key(), ws.stored()); // at rest: from the disk
        assertThat(again.unchanged()).isTrue();
        agent.deleteWorkspace(ws.key());
        storage.deleteWorkspace(WorkspaceRef.of(ws.stored().owner(), ws.stored().name()));
    }
}
