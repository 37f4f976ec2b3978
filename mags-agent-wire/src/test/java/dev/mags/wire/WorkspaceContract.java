package dev.mags.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.ItHost;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.BaseLayer;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.StoredWorkspace;
import dev.mags.protocol.v2.SyncResult;
import dev.mags.protocol.v2.WorkspaceInfo;
import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.protocol.v2.WorkspaceMount;
import dev.mags.storage.layout.WorkspaceRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workspace disks through the contract: a sandbox's writable layer on one, one sandbox at a time, delete and
 * resize at rest, syncs to storage and the restore of a workspace the agent has no copy of, base layers. The
 * agent under test must have {@link #backup()} as its workspace storage.
 */
public abstract class WorkspaceContract extends AgentContract {
    /** Workspaces this test made, removed after it from the agent and from storage. */
    private final List<WorkspaceMount> made = new ArrayList<>();

    @AfterEach
    final void deleteWorkspaces() throws Exception {
        stopSandboxes();
        for (WorkspaceMount ws : made) {
            agent.deleteWorkspace(ws.key());
            if (ws.stored() != null) {
                storage().deleteWorkspace(WorkspaceRef.of(ws.stored().owner(), ws.stored().name()));
            }
        }
        made.clear();
    }

    private WorkspaceMount workspace(String name, boolean stored) {
        WorkspaceMount ws = new WorkspaceMount(WorkspaceKey.of(ItHost.uniqueId(name)),
                stored ? new StoredWorkspace("u1", name + "-" + System.nanoTime()) : null);
        made.add(ws);
        return ws;
    }

    private Optional<WorkspaceInfo> info(WorkspaceKey key) {
        return agent.workspaces().stream().filter(w -> w.key().equals(key)).findFirst();
    }

    private static void assertCode(ThrowingCallable call, AgentErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }

    private static SandboxEnd stop(Sandbox sandbox, boolean sync) throws Exception {
        return sandbox.stop(Duration.ofSeconds(1), sync).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aSandboxOnAWorkspaceKeepsItsDiskWhichIsBusyWhileItRuns() throws Exception {
        WorkspaceMount ws = workspace("disk", false);
        assertThat(info(ws.key())).isEmpty();
        Sandbox sandbox = create(spec("ws", ws));
        sh(sandbox, "echo hi > /root/a; rm /bin/vi");

        assertThat(info(ws.key())).hasValueSatisfying(w -> {
            assertThat(w.liveSandbox()).isTrue();
            assertThat(w.diskBytes()).isPositive();
        });
        assertThat(agent.sandboxes()).filteredOn(i -> i.id().equals(sandbox.id())).singleElement()
                .satisfies(i -> assertThat(i.workspace()).isEqualTo(ws.key()));
        assertThat(agent.usage().workspaceSandboxes()).containsEntry(ws.key(), SandboxLimits.DEFAULT);
        assertCode(() -> create(spec("second", ws)), AgentErrorCode.WORKSPACE_BUSY);
        assertCode(() -> agent.deleteWorkspace(ws.key()), AgentErrorCode.WORKSPACE_BUSY);
        assertCode(() -> agent.resizeWorkspace(ws.key(), 8 * SandboxLimits.GIB), AgentErrorCode.WORKSPACE_BUSY);

        stop(sandbox, false);
        assertThat(info(ws.key())).hasValueSatisfying(w -> assertThat(w.liveSandbox()).isFalse());
        assertThat(agent.usage().workspaceSandboxes()).doesNotContainKey(ws.key());
        Sandbox again = create(spec("again", ws));
        assertThat(sh(again, "cat /root/a; test -e /bin/vi || echo vi-gone")).containsExactly("hi", "vi-gone");
        stop(again, false);

        agent.deleteWorkspace(ws.key());
        assertThat(info(ws.key())).isEmpty();
        agent.deleteWorkspace(ws.key()); // harmless when there is none
        Sandbox fresh = create(spec("fresh", ws));
        assertThat(sh(fresh, "test -e /root/a || echo fresh")).containsExactly("fresh");
    }

    @Test
    void anIdleDiskGrowsButDoesNotShrink() throws Exception {
        WorkspaceMount ws = workspace("grow", false);
        stop(create(spec("grow", ws)), false);
        long before = info(ws.key()).orElseThrow().diskBytes();

        assertCode(() -> agent.resizeWorkspace(ws.key(), before / 2), AgentErrorCode.INVALID_SPEC);
        agent.resizeWorkspace(ws.key(), before * 2);
        assertThat(info(ws.key()).orElseThrow().diskBytes()).isEqualTo(before * 2);
        Sandbox sandbox = create(spec("grown", ws));
        long kib = Long.parseLong(sh(sandbox, "df -k / | tail -n 1 | awk '{print $2}'").get(0));
        assertThat(kib * 1024).isGreaterThan(before * 3 / 2);
    }

    @Test
    void aSyncCommitsASnapshotAndAWorkspaceWithoutACopyIsRestoredFromIt() throws Exception {
        WorkspaceMount ws = workspace("sync", true);
        assertCode(() -> agent.syncWorkspace(ws.key(), ws.stored()), AgentErrorCode.NOT_FOUND);
        Sandbox sandbox = create(spec("sync", ws));
        sh(sandbox, "echo one > /root/f; mkdir -p /opt/t; echo x > /opt/t/x");

        SyncResult live = agent.syncWorkspace(ws.key(), ws.stored());
        assertThat(live.workspace()).isEqualTo(ws.stored());
        assertThat(live.snapshotId()).isNotBlank();
        assertThat(live.files()).isGreaterThanOrEqualTo(2);
        assertThat(live.unchanged()).isFalse();
        assertThat(agent.syncProgress(ws.key())).as("no sync runs now").isEmpty();

        sh(sandbox, "echo two > /root/f");
        SandboxEnd end = stop(sandbox, true);
        assertThat(end.syncFailure()).isNull();
        assertThat(end.finalSync()).isNotNull();
        assertThat(end.finalSync().snapshotId()).isNotEqualTo(live.snapshotId());
        SyncResult atRest = agent.syncWorkspace(ws.key(), ws.stored());
        assertThat(atRest.unchanged()).isTrue();
        assertThat(atRest.snapshotId()).isEqualTo(end.finalSync().snapshotId());

        agent.deleteWorkspace(ws.key()); // the agent's copy goes; storage keeps the snapshot
        assertThat(info(ws.key())).isEmpty();
        Sandbox restored = create(spec("restored", ws));
        assertThat(sh(restored, "cat /root/f /opt/t/x")).containsExactly("two", "x");
        stop(restored, false);
    }

    @Test
    void aBaseIsSeenUnderTheWritableLayerAndAForkPinsIt() throws Exception {
        WorkspaceMount golden = workspace("golden", true);
        Sandbox goldenSandbox = create(spec("golden", golden));
        sh(goldenSandbox, "echo gold > /root/g");
        SyncResult synced = agent.syncWorkspace(golden.key(), golden.stored());
        stop(goldenSandbox, false);
        BaseLayer base = new BaseLayer(golden.stored(), synced.snapshotId());
        assertThat(agent.baseCopies()).isEmpty();

        WorkspaceMount fork = workspace("fork", false);
        SandboxSpec forkSpec = spec("fork", fork);
        Sandbox forked = create(new SandboxSpec(forkSpec.id(), forkSpec.image(), forkSpec.limits(), forkSpec.network(),
                fork, base, forkSpec.environment()));
        assertThat(sh(forked, "cat /root/g; echo forked > /root/g; cat /root/g")).containsExactly("gold", "forked");
        stop(forked, false);
        assertThat(agent.baseCopies()).as("the fork's disk pins its base").singleElement().satisfies(c -> {
            assertThat(c.workspace()).isEqualTo(golden.stored());
            assertThat(c.snapshotId()).isEqualTo(synced.snapshotId());
        });
        Sandbox goldenAgain = create(spec("golden-again", golden));
        assertThat(sh(goldenAgain, "cat /root/g")).containsExactly("gold");
        stop(goldenAgain, false);
        agent.deleteWorkspace(fork.key());
        made.remove(fork);
        agent.reconcile(java.util.Set.of());
        assertThat(agent.baseCopies()).as("no disk pins the base any more").isEmpty();
    }
}
