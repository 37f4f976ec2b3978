package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.workspace.WorkspaceBackup;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseLayer;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Persistent workspaces on real runc, overlayfs and loop disks, synced to a storage whose object store
 * lives in memory: sandboxes that take several commands, stops with and without the final sync, syncs at rest,
 * restore onto a fresh disk, base layers.
 * Needs root.
 */
class PersistentWorkspaceIT {
    private static ItHost host;
    private static LocalAgent agent;
    private static WorkspaceStorage storage;

    @BeforeAll
    static void setUp() throws IOException {
        host = ItHost.create();
        storage = new WorkspaceStorage(new InMemoryObjectStore(), StorageSettings.defaults(host.base.resolve("storage-state")));
        // No periodic sync during a test: each sync here is one the test asks for (PeriodicSyncIT has them).
        agent = host.agent(new WorkspaceBackup(storage, host.base.resolve("bases"), Duration.ofHours(1)));
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

    private static WorkspaceMount persistent(String name) {
        return new WorkspaceMount(WorkspaceKey.of(ItHost.uniqueId(name)),
                new StoredWorkspace("u1", name + "-" + System.nanoTime()));
    }

    private static Optional<String> latest(StoredWorkspace ws) {
        return storage.latest(WorkspaceRef.of(ws.owner(), ws.name())).map(id -> id.value());
    }

    private static void deleteStored(StoredWorkspace ws) {
        storage.deleteWorkspace(WorkspaceRef.of(ws.owner(), ws.name()));
    }

    private static RecordingListener run(JobSpec spec, int expectedExit) throws Exception {
        RecordingListener out = new RecordingListener();
        ExecExit exit = Job.launch(agent, spec, out).exit().get(60, TimeUnit.SECONDS);
        assertThat(exit).as("exit of %s; stderr %s", spec.exec().argv(), out.stderr()).isEqualTo(ExecExit.exited(expectedExit));
        return out;
    }

    private static RecordingListener exec(Sandbox sandbox, String script, int expectedExit) throws Exception {
        RecordingListener out = new RecordingListener();
        ExecExit exit = sandbox.exec(ExecSpec.shell(script, Map.of(), null), out, CommandGate.OPEN).exit()
                .get(60, TimeUnit.SECONDS);
        assertThat(exit).as("exit of %s; stderr %s", script, out.stderr()).isEqualTo(ExecExit.exited(expectedExit));
        return out;
    }

    private static JobSpec spec(String script) {
        return JobSpec.shell(ItHost.uniqueId("p"), "busybox", script, Map.of(), null);
    }

    private static Sandbox create(WorkspaceMount ws) {
        return agent.create(spec("true").withWorkspace(ws).sandbox());
    }

    @Test
    void aSandboxTakesCommandsUntilItsStopSyncsAndStorageBringsTheFilesBack() throws Exception {
        WorkspaceMount ws = persistent("keep");
        Sandbox sandbox = create(ws);
        exec(sandbox, "echo hi > /root/a; mkdir -p /opt/t; echo x > /opt/t/x; rm /bin/vi; sleep 300 &", 0);

        // The sandbox stayed: what the first command left in the background still runs.
        RecordingListener second = exec(sandbox, "cat /root/a /opt/t/x; test ! -e /bin/vi && echo gone; "
                + "ps | grep -c '[s]leep 300'", 0);
        assertThat(second.stdout()).containsExactly("hi", "x", "gone", "1");
        assertThat(agent.workspaces()).anySatisfy(w -> {
            assertThat(w.key()).isEqualTo(ws.key());
            assertThat(w.liveSandbox()).isTrue();
        });

        SandboxEnd end = sandbox.stop(Duration.ofSeconds(1), true).get(60, TimeUnit.SECONDS);
        assertThat(end.syncFailure()).isNull();
        assertThat(end.finalSync()).satisfies(r -> assertThat(r.files()).isGreaterThanOrEqualTo(2));
        assertThat(latest(ws.stored())).contains(end.finalSync().snapshotId());

        agent.deleteWorkspace(ws.key()); // the host's copy goes; storage keeps the snapshot
        RecordingListener restored = run(spec("cat /root/a /opt/t/x; test ! -e /bin/vi && echo gone; "
                + "ps | grep -c '[s]leep 300'").withWorkspace(ws), 1);
        assertThat(restored.stdout()).containsExactly("hi", "x", "gone", "0");
        agent.deleteWorkspace(ws.key());
        deleteStored(ws.stored());
        assertThat(latest(ws.stored())).isEmpty();
    }

    @Test
    void aStopWithoutSyncLeavesStorageAsItWasAndTheDiskKeepsTheFiles() throws Exception {
        WorkspaceMount ws = persistent("nosync");
        Sandbox first = create(ws);
        exec(first, "echo one > /root/f", 0);
        SandboxEnd synced = first.stop(Duration.ZERO, true).get(60, TimeUnit.SECONDS);
        String snapshot = synced.finalSync().snapshotId();

        Sandbox second = create(ws);
        exec(second, "echo two > /root/f", 0);
        SandboxEnd unsynced = second.stop(Duration.ZERO, false).get(60, TimeUnit.SECONDS);
        assertThat(unsynced.finalSync()).isNull();
        assertThat(unsynced.syncFailure()).isNull();
        assertThat(latest(ws.stored())).contains(snapshot);
        // Read without the stored identity: this job's own end must not sync.
        assertThat(run(spec("cat /root/f").withWorkspace(new WorkspaceMount(ws.key(), null)), 0).stdout())
                .as("the disk stays").containsExactly("two");
        assertThat(latest(ws.stored())).contains(snapshot);

        agent.deleteWorkspace(ws.key());
        assertThat(run(spec("cat /root/f").withWorkspace(ws), 0).stdout()).as("storage has the synced one")
                .containsExactly("one");
        agent.deleteWorkspace(ws.key());
        deleteStored(ws.stored());
    }

    @Test
    void aBaseIsSeenReadOnlyAndAForkKeepsItsOwnChanges() throws Exception {
        WorkspaceMount golden = persistent("golden");
        Sandbox goldenSandbox = create(golden);
        exec(goldenSandbox, "echo gold > /root/g; rm /bin/vi", 0);
        SyncResult synced = agent.syncWorkspace(golden.key(), golden.stored());
        goldenSandbox.stop(Duration.ZERO, true).get(60, TimeUnit.SECONDS);
        BaseLayer base = new BaseLayer(golden.stored(), synced.snapshotId());
        assertThat(agent.baseCopies()).isEmpty();

        RecordingListener ephemeral = run(spec("cat /root/g; test ! -e /bin/vi && echo gone; echo changed > /root/g")
                .withBase(base), 0);
        assertThat(ephemeral.stdout()).containsExactly("gold", "gone");

        WorkspaceMount fork = persistent("fork");
        run(spec("cat /root/g; echo forked > /root/g; echo own > /root/f").withWorkspace(fork).withBase(base), 0);
        assertThat(agent.baseCopies()).as("the fork's disk pins its base").singleElement()
                .satisfies(c -> assertThat(c.snapshotId()).isEqualTo(synced.snapshotId()));
        RecordingListener forkAgain = run(spec("cat /root/g /root/f").withWorkspace(fork).withBase(base), 0);
        assertThat(forkAgain.stdout()).containsExactly("forked", "own");

        RecordingListener goldenAgain = run(spec("cat /root/g; test -e /root/f || echo no-f").withWorkspace(golden), 0);
        assertThat(goldenAgain.stdout()).containsExactly("gold", "no-f");
        for (WorkspaceMount ws : new WorkspaceMount[] {golden, fork}) {
            agent.deleteWorkspace(ws.key());
            deleteStored(ws.stored());
        }
    }

    @Test
    void aDiskGrowsWhileItsFilesStay() throws Exception {
        WorkspaceMount ws = new WorkspaceMount(WorkspaceKey.of(ItHost.uniqueId("grow")), null);
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
