package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.protocol.v2.WorkspaceMount;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Workspaces on real runc, overlayfs and loop-mounted disks: the writable layer outlives its sandbox. Needs root. */
class WorkspaceIT {
    private static final int POOL_SIZE = 1;
    // Kept workspace disks are not leaks; loop devices or mounts on them would be (PooledAgent checks after each).
    @RegisterExtension
    static final PooledAgent POOLED = new PooledAgent(POOL_SIZE);

    private static JobSpec spec(WorkspaceMount ws, String script) {
        return JobSpec.shell(ItHost.uniqueId("ws"), "busybox", script, Map.of(), null).withWorkspace(ws);
    }

    private static RecordingListener run(WorkspaceMount ws, String script, int expectedExit) throws Exception {
        RecordingListener out = new RecordingListener();
        ExecExit exit = Job.launch(POOLED.agent(), spec(ws, script), out).exit().get(60, TimeUnit.SECONDS);
        assertThat(exit).as("exit of %s; stderr %s", script, out.stderr()).isEqualTo(ExecExit.exited(expectedExit));
        return out;
    }

    @Test
    void changesAnywhereAndDeletionsOfImageFilesPersist() throws Exception {
        WorkspaceMount ws = new WorkspaceMount(WorkspaceKey.of(ItHost.uniqueId("keep")), null);
        run(ws, "echo hi > /root/a; mkdir -p /opt/t; echo x > /opt/t/x; rm /bin/vi", 0);

        assertThat(Files.isRegularFile(POOLED.host().config.workspacesDir().resolve(ws.key().value()).resolve("disk.img"))).isTrue();
        RecordingListener second = run(ws, "cat /root/a /opt/t/x; test ! -e /bin/vi && echo gone", 0);
        assertThat(second.stdout()).containsExactly("hi", "x", "gone");

        RecordingListener other = run(new WorkspaceMount(WorkspaceKey.of(ItHost.uniqueId("other")), null), "test -e /bin/vi && ls /root", 0);
        assertThat(other.stdout()).isEmpty();
        POOLED.agent().deleteWorkspace(ws.key());
        assertThat(POOLED.host().config.workspacesDir().resolve(ws.key().value())).doesNotExist();
    }

    @Test
    void oneSandboxAtATimeAndReconcileKeepsTheDisk() throws Exception {
        WorkspaceMount ws = new WorkspaceMount(WorkspaceKey.of(ItHost.uniqueId("busy")), null);
        Job first = Job.launch(POOLED.agent(), spec(ws, "sleep 30"), new RecordingListener());
        try {
            assertThatThrownBy(() -> Job.launch(POOLED.agent(), spec(ws, "true"), new RecordingListener()))
                    .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.WORKSPACE_BUSY));
            assertThatThrownBy(() -> POOLED.agent().deleteWorkspace(ws.key()))
                    .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.WORKSPACE_BUSY));
        } finally {
            first.stop(Duration.ofSeconds(1));
            first.exit().get(60, TimeUnit.SECONDS);
        }
        POOLED.agent().reconcile(Set.of());

        run(ws, "true", 0);
        assertThat(POOLED.agent().workspaces()).anySatisfy(w -> assertThat(w.key()).isEqualTo(ws.key()));
        POOLED.agent().deleteWorkspace(ws.key());
        assertThat(POOLED.agent().workspaces()).noneSatisfy(w -> assertThat(w.key()).isEqualTo(ws.key()));
    }
}
