package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.RunningSandbox;
import dev.mags.protocol.v1.SandboxExit;
import dev.mags.protocol.v1.SandboxSpec;
import dev.mags.protocol.v1.WorkspaceRef;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Workspaces on real runc, overlayfs and loop-mounted disks: the writable layer outlives its sandbox. Needs root. */
class WorkspaceIT {
    private static final int POOL_SIZE = 1;
    private static ItHost host;
    private static LocalAgent agent;

    @BeforeAll
    static void setUp() throws IOException {
        host = ItHost.create();
        agent = host.agent(WarmPoolConfig.of("busybox", POOL_SIZE));
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (host != null) {
            host.close();
        }
    }

    @AfterEach
    void nothingLeftBehind() {
        // Kept workspace disks are not leaks; loop devices or mounts on them would be.
        assertThat(host.leaksBesidesPool(agent, POOL_SIZE)).isEmpty();
    }

    private static SandboxSpec spec(WorkspaceRef ws, String script) {
        return SandboxSpec.shell(ItHost.uniqueId("ws"), "busybox", script, Map.of(), null).withWorkspace(ws);
    }

    private static RecordingListener run(WorkspaceRef ws, String script, int expectedExit) throws Exception {
        RecordingListener out = new RecordingListener();
        SandboxExit exit = agent.launch(spec(ws, script), out).exit().get(60, TimeUnit.SECONDS);
        assertThat(exit).as("exit of %s; stderr %s", script, out.stderr()).isEqualTo(SandboxExit.exited(expectedExit));
        return out;
    }

    @Test
    void changesAnywhereAndDeletionsOfImageFilesPersist() throws Exception {
        WorkspaceRef ws = new WorkspaceRef(ItHost.uniqueId("keep"));
        run(ws, "echo hi > /root/a; mkdir -p /opt/t; echo x > /opt/t/x; rm /bin/vi", 0);

        assertThat(Files.isRegularFile(host.config.workspacesDir().resolve(ws.key()).resolve("disk.img"))).isTrue();
        RecordingListener second = run(ws, "cat /root/a /opt/t/x; test ! -e /bin/vi && echo gone", 0);
        assertThat(second.stdout()).containsExactly("hi", "x", "gone");

        RecordingListener other = run(new WorkspaceRef(ItHost.uniqueId("other")), "test -e /bin/vi && ls /root", 0);
        assertThat(other.stdout()).isEmpty();
        agent.deleteWorkspace(ws.key());
        assertThat(host.config.workspacesDir().resolve(ws.key())).doesNotExist();
    }

    @Test
    void oneSandboxAtATimeAndReconcileKeepsTheDisk() throws Exception {
        WorkspaceRef ws = new WorkspaceRef(ItHost.uniqueId("busy"));
        RunningSandbox first = agent.launch(spec(ws, "sleep 30"), new RecordingListener());
        try {
            assertThatThrownBy(() -> agent.launch(spec(ws, "true"), new RecordingListener()))
                    .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.WORKSPACE_BUSY));
            assertThatThrownBy(() -> agent.deleteWorkspace(ws.key()))
                    .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.WORKSPACE_BUSY));
        } finally {
            first.stop(Duration.ofSeconds(1));
            first.exit().get(60, TimeUnit.SECONDS);
        }
        agent.reconcile(Set.of());

        run(ws, "true", 0);
        assertThat(agent.workspaces()).anySatisfy(w -> assertThat(w.key()).isEqualTo(ws.key()));
        agent.deleteWorkspace(ws.key());
        assertThat(agent.workspaces()).noneSatisfy(w -> assertThat(w.key()).isEqualTo(ws.key()));
    }
}
