package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.workspace.WorkspaceBackup;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.BaseLayer;
import dev.mags.protocol.v1.RunningSandbox;
import dev.mags.protocol.v1.SandboxExit;
import dev.mags.protocol.v1.SandboxSpec;
import dev.mags.protocol.v1.StoredWorkspace;
import dev.mags.protocol.v1.SyncResult;
import dev.mags.protocol.v1.WorkspaceRef;
import dev.mags.storage.StorageSettings;
import dev.mags.storage.WorkspaceStorage;
import dev.mags.storage.object.InMemoryObjectStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Persistent workspaces on real runc, overlayfs and loop disks, synced to a storage whose object store
 * lives in memory: kept sandboxes, periodic and final syncs, restore onto a fresh disk, base layers.
 * Needs root.
 */
class PersistentWorkspaceIT {
    private static ItHost host;
    private static LocalAgent agent;

    @BeforeAll
    static void setUp() throws IOException {
        host = ItHost.create();
        WorkspaceStorage storage = new WorkspaceStorage(new InMemoryObjectStore(),
                StorageSettings.defaults(host.base.resolve("storage-state")));
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

    private static WorkspaceRef persistent(String name) {
        return new WorkspaceRef(ItHost.uniqueId(name), new StoredWorkspace("u1", name + "-" + System.nanoTime()), true);
    }

    private static RecordingListener run(SandboxSpec spec, int expectedExit) throws Exception {
        RecordingListener out = new RecordingListener();
        SandboxExit exit = agent.launch(spec, out).exit().get(60, TimeUnit.SECONDS);
        assertThat(exit).as("exit of %s; stderr %s", spec.command(), out.stderr()).isEqualTo(SandboxExit.exited(expectedExit));
        return out;
    }

    private static SandboxSpec spec(String script) {
        return SandboxSpec.shell(ItHost.uniqueId("p"), "busybox", script, Map.of(), null);
    }

    @Test
    void keptSandboxRunsTheNextCommandAndStorageBringsTheFilesBack() throws Exception {
        WorkspaceRef ws = persistent("keep");
        run(spec("echo hi > /root/a; mkdir -p /opt/t; echo x > /opt/t/x; rm /bin/vi; sleep 300 &").withWorkspace(ws), 0);

        // The sandbox stayed: what the first command left in the background still runs.
        RecordingListener second = run(spec("cat /root/a /opt/t/x; test ! -e /bin/vi && echo gone; ps | grep -c '[s]leep 300'")
                .withWorkspace(ws), 0);
        assertThat(second.stdout()).containsExactly("hi", "x", "gone", "1");
        assertThat(agent.workspaces()).anySatisfy(w -> {
            assertThat(w.key()).isEqualTo(ws.key());
            assertThat(w.liveSandbox()).isTrue();
        });

        Optional<SyncResult> last = agent.endWorkspaceSandbox(ws.key());
        assertThat(last).hasValueSatisfying(r -> assertThat(r.files()).isGreaterThanOrEqualTo(2));
        assertThat(agent.latestSnapshot(ws.stored())).contains(last.get().snapshotId());

        agent.deleteWorkspace(ws.key()); // the host's copy goes; storage keeps the snapshot
        RecordingListener restored = run(spec("cat /root/a /opt/t/x; test ! -e /bin/vi && echo gone; ps | grep -c '[s]leep 300'")
                .withWorkspace(ws), 1);
        assertThat(restored.stdout()).containsExactly("hi", "x", "gone", "0");
        agent.endWorkspaceSandbox(ws.key());
        agent.deleteWorkspace(ws.key());
        agent.deleteStoredWorkspace(ws.stored());
        assertThat(agent.latestSnapshot(ws.stored())).isEmpty();
    }

    @Test
    void periodicSyncsCatchWritesWhileTheCommandRuns() throws Exception {
        WorkspaceRef ws = persistent("periodic");
        RunningSandbox running = agent.launch(spec("echo early > /root/early; sleep 60").withWorkspace(ws),
                new RecordingListener());
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> agent.storedWorkspaces("u1").stream()
                            .anyMatch(w -> w.workspace().equals(ws.stored()) && w.files() >= 1));
            assertThatThrownBy(() -> agent.launch(spec("true").withWorkspace(ws), new RecordingListener()))
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
        agent.deleteStoredWorkspace(ws.stored());
    }

    @Test
    void aBaseIsSeenReadOnlyAndAForkKeepsItsOwnChanges() throws Exception {
        WorkspaceRef golden = persistent("golden");
        run(spec("echo gold > /root/g; rm /bin/vi").withWorkspace(golden), 0);
        SyncResult synced = agent.syncWorkspace(golden.key(), golden.stored());
        agent.endWorkspaceSandbox(golden.key());
        BaseLayer base = new BaseLayer(golden.stored(), synced.snapshotId());

        RecordingListener ephemeral = run(spec("cat /root/g; test ! -e /bin/vi && echo gone; echo changed > /root/g")
                .withBase(base), 0);
        assertThat(ephemeral.stdout()).containsExactly("gold", "gone");

        WorkspaceRef fork = persistent("fork");
        run(spec("cat /root/g; echo forked > /root/g; echo own > /root/f").withWorkspace(fork).withBase(base), 0);
        agent.endWorkspaceSandbox(fork.key());
        RecordingListener forkAgain = run(spec("cat /root/g /root/f").withWorkspace(fork).withBase(base), 0);
        assertThat(forkAgain.stdout()).containsExactly("forked", "own");
        agent.endWorkspaceSandbox(fork.key());

        RecordingListener goldenAgain = run(spec("cat /root/g; test -e /root/f || echo no-f").withWorkspace(golden), 0);
        assertThat(goldenAgain.stdout()).containsExactly("gold", "no-f");
        agent.endWorkspaceSandbox(golden.key());
        for (WorkspaceRef ws : new WorkspaceRef[] {golden, fork}) {
            agent.deleteWorkspace(ws.key());
            agent.deleteStoredWorkspace(ws.stored());
        }
    }

    @Test
    void aDiskGrowsWhileItsFilesStay() throws Exception {
        WorkspaceRef ws = new WorkspaceRef(ItHost.uniqueId("grow"));
        run(spec("echo kept > /root/k").withWorkspace(ws), 0);
        long before = agent.workspaces().stream().filter(w -> w.key().equals(ws.key())).findFirst().orElseThrow().diskBytes();
        agent.resizeWorkspace(ws.key(), before * 2);
        assertThatThrownBy(() -> agent.resizeWorkspace(ws.key(), before))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC));
        RecordingListener out = run(spec("cat /root/k; df -k / | tail -1 | awk '{print $2}'").withWorkspace(ws), 0);
        assertThat(out.stdout().get(0)).isEqualTo("kept");
        assertThat(Long.parseLong(out.stdout().get(1)) * 1024).isGreaterThan(before * 3 / 2);
        agent.deleteWorkspace(ws.key());
    }
}
