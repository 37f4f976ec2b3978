package dev.mags.controlplane.cluster;

import static dev.mags.controlplane.cluster.Beats.GIB;
import static dev.mags.controlplane.cluster.Beats.beat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mags.controlplane.FakeAgent;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.StateBackend;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.wire.server.AgentServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production directory ({@code RemoteAgent}s) against an agent served over the wire: its host goes away while a
 * sandbox runs there, the started monitor declares it lost, and the sandbox's end, which the control plane waits
 * on, completes with the reason instead of waiting for an agent that will not answer.
 */
class LostAgentOverTheWireTest {
    private static final String SECRET = "cluster-secret-0123456789";
    private static final Instant T0 = Instant.parse("2027-01-10T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aSandboxOnAnAgentThatStoppedAnsweringEndsOnceTheAgentIsDeclaredLost() {
        FakeAgent host = new FakeAgent("busybox");
        try (Database db = StateBackend.SQLITE.open(dir)) {
            AgentRegistry registry = new AgentRegistry(db.jdbi());
            AgentServer server = AgentServer.start(host, SECRET, "127.0.0.1", 0);
            URI url = URI.create("http://127.0.0.1:" + server.port());
            registry.heartbeat(beat("host-a", url, T0.minusSeconds(60), 4, 0, GIB), T0);
            try (ClusterDirectory directory = ClusterDirectory.remote(registry, SECRET, ClusterDirectory.DiskSettings.NONE)) {
                SandboxSpec spec = new SandboxSpec(SandboxId.of("sb-1"), "busybox", SandboxLimits.DEFAULT,
                        NetworkMode.NONE, null, null, Map.of());
                Agent agent = directory.place(spec);
                Sandbox sandbox = agent.create(spec);
                assertThat(host.sandbox(spec.id())).as("made on the agent, over the wire").isPresent();
                assertThat(directory.holding(spec.id())).containsSame(agent);

                server.close(); // the host is gone; the sandbox's end is still being asked for
                assertThat(sandbox.ended()).isNotDone();

                Clock later = Clock.fixed(T0.plusSeconds(16), ZoneOffset.UTC);
                try (AgentMonitor monitor = new AgentMonitor(registry, directory, AgentMonitor.DEFAULT_LOST_AFTER,
                        later).start()) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.ended().isDone());
                }
                SandboxEnd end = sandbox.ended().join();
                assertThat(end.reason()).isEqualTo(ExitReason.AGENT_LOST);
                assertThat(end.detail()).isEqualTo("the agent host-a on " + url + " stopped answering at " + T0);
                assertThat(registry.find("host-a").orElseThrow().state()).isEqualTo(AgentRecord.State.LOST);
                assertThat(directory.holding(spec.id())).isEmpty();
            }
        } finally {
            host.close();
        }
    }
}
