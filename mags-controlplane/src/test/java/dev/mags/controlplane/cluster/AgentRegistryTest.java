package dev.mags.controlplane.cluster;

import static dev.mags.controlplane.cluster.Beats.GIB;
import static dev.mags.controlplane.cluster.Beats.beat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.StateBackend;
import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.wire.Heartbeat;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The agents table through the registry, on both state stores: registration, refresh, silence, fencing. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class AgentRegistryTest {
    private static final Instant T0 = Instant.parse("2027-01-10T10:00:00Z");
    private static final Instant STARTED = T0.minusSeconds(60);

    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    private Database db;
    private AgentRegistry registry;

    @BeforeEach
    void open() {
        db = backend.open(dir);
        registry = new AgentRegistry(db.jdbi());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theFirstHeartbeatRegistersTheAgentAsLive() {
        Heartbeat hb = beat("host-a", URI.create("http://10.0.0.5:7070"), STARTED, 16, 3, 5 * GIB, "ws-1", "ws.2");

        assertThat(registry.heartbeat(hb, T0)).isEqualTo(Heartbeat.Answer.LIVE);

        AgentRecord a = registry.find("host-a").orElseThrow();
        assertThat(a.state()).isEqualTo(AgentRecord.State.LIVE);
        assertThat(a.url()).isEqualTo(URI.create("http://10.0.0.5:7070"));
        assertThat(a.startedAt()).isEqualTo(STARTED);
        assertThat(a.registeredAt()).isEqualTo(T0);
        assertThat(a.lastSeenAt()).isEqualTo(T0);
        assertThat(a.slotsTotal()).isEqualTo(16);
        assertThat(a.slotsUsed()).isEqualTo(3);
        assertThat(a.memoryTotalBytes()).isEqualTo(8 * GIB);
        assertThat(a.memoryFreeBytes()).isEqualTo(5 * GIB);
        assertThat(a.workspaces()).containsExactlyInAnyOrder(WorkspaceKey.of("ws-1"), WorkspaceKey.of("ws.2"));
        assertThat(a.diskFreeBytes()).as("not said").isEqualTo(AgentRecord.UNKNOWN);
        assertThat(a.diskGrowableBytes()).as("not said").isEqualTo(AgentRecord.UNKNOWN);
    }

    @Test
    void theDiskRoomAHeartbeatSaysIsKeptAndReplacedByTheNext() {
        registry.heartbeat(Beats.beatWithDisk("host-a", STARTED, 4, 50 * GIB, 3 * GIB), T0);
        AgentRecord a = registry.find("host-a").orElseThrow();
        assertThat(a.diskFreeBytes()).isEqualTo(50 * GIB);
        assertThat(a.diskGrowableBytes()).isEqualTo(3 * GIB);

        registry.heartbeat(Beats.beatWithDisk("host-a", STARTED, 4, 40 * GIB, 0), T0.plusSeconds(2));
        AgentRecord b = registry.live().getFirst();
        assertThat(b.diskFreeBytes()).isEqualTo(40 * GIB);
        assertThat(b.diskGrowableBytes()).isZero();
    }

    @Test
    void aLaterHeartbeatReplacesWhatTheAgentSaidButKeepsWhenItRegistered() {
        registry.heartbeat(beat("host-a", STARTED, 16, 3, "ws-1"), T0);
        registry.heartbeat(beat("host-a", URI.create("http://10.0.0.9:7070"), STARTED, 16, 7, GIB), T0.plusSeconds(2));

        AgentRecord a = registry.find("host-a").orElseThrow();
        assertThat(a.url()).isEqualTo(URI.create("http://10.0.0.9:7070"));
        assertThat(a.slotsUsed()).isEqualTo(7);
        assertThat(a.memoryFreeBytes()).isEqualTo(GIB);
        assertThat(a.workspaces()).isEmpty();
        assertThat(a.registeredAt()).isEqualTo(T0);
        assertThat(a.lastSeenAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void agentsSilentSinceBeforeTheCutoffAreDeclaredLostOnce() {
        registry.heartbeat(beat("host-a", STARTED, 4, 0), T0);
        registry.heartbeat(beat("host-b", STARTED, 4, 0), T0.plusSeconds(10));
        registry.heartbeat(beat("host-c", STARTED, 4, 0), T0.plusSeconds(5));

        assertThat(registry.markLost(T0.plusSeconds(5))).extracting(AgentRecord::id, AgentRecord::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("host-a", AgentRecord.State.LOST));
        assertThat(registry.markLost(T0.plusSeconds(5))).as("declared lost already").isEmpty();

        assertThat(registry.live()).extracting(AgentRecord::id).containsExactly("host-b", "host-c");
        assertThat(registry.all()).extracting(AgentRecord::id, AgentRecord::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("host-a", AgentRecord.State.LOST),
                org.assertj.core.groups.Tuple.tuple("host-b", AgentRecord.State.LIVE),
                org.assertj.core.groups.Tuple.tuple("host-c", AgentRecord.State.LIVE));
        assertThat(registry.find("host-a").orElseThrow().lostReason())
                .isEqualTo("the agent host-a on http://host-a.test:7070 stopped answering at " + T0);
    }

    @Test
    void aLostAgentThatStillRunsSandboxesIsToldSoAndChangesNothing() {
        registry.heartbeat(beat("host-a", STARTED, 4, 2, "ws-1"), T0);
        registry.markLost(T0.plusSeconds(20));

        Heartbeat late = beat("host-a", STARTED, 4, 2);
        assertThat(registry.heartbeat(late, T0.plusSeconds(21))).isEqualTo(Heartbeat.Answer.LOST);
        assertThat(registry.heartbeat(late, T0.plusSeconds(23))).isEqualTo(Heartbeat.Answer.LOST);

        AgentRecord a = registry.find("host-a").orElseThrow();
        assertThat(a.state()).isEqualTo(AgentRecord.State.LOST);
        assertThat(a.lastSeenAt()).isEqualTo(T0);
        assertThat(a.workspaces()).containsExactly(WorkspaceKey.of("ws-1"));
        assertThat(registry.live()).isEmpty();
    }

    @Test
    void aLostAgentIsLiveAgainOnceItStoppedEverything() {
        registry.heartbeat(beat("host-a", STARTED, 4, 2), T0);
        registry.markLost(T0.plusSeconds(20));

        assertThat(registry.heartbeat(beat("host-a", STARTED, 4, 0), T0.plusSeconds(22)))
                .isEqualTo(Heartbeat.Answer.LIVE);
        AgentRecord a = registry.find("host-a").orElseThrow();
        assertThat(a.state()).isEqualTo(AgentRecord.State.LIVE);
        assertThat(a.lastSeenAt()).isEqualTo(T0.plusSeconds(22));
    }

    @Test
    void aLostAgentIsLiveAgainOnceItRestarted() {
        registry.heartbeat(beat("host-a", STARTED, 4, 2), T0);
        registry.markLost(T0.plusSeconds(20));

        Instant restarted = T0.plusSeconds(40);
        assertThat(registry.heartbeat(beat("host-a", restarted, 4, 1), T0.plusSeconds(41)))
                .isEqualTo(Heartbeat.Answer.LIVE);
        AgentRecord a = registry.find("host-a").orElseThrow();
        assertThat(a.state()).isEqualTo(AgentRecord.State.LIVE);
        assertThat(a.startedAt()).isEqualTo(restarted);
        assertThat(a.slotsUsed()).isEqualTo(1);
        assertThat(a.registeredAt()).isEqualTo(T0);
    }

    @Test
    void aHeartbeatWithoutItsStartTimeIsRefused() {
        Heartbeat hb = new Heartbeat("host-a", URI.create("http://a:1"), 1, 0, 1, 1, null, null);
        assertThatThrownBy(() -> registry.heartbeat(hb, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.all()).isEmpty();
    }
}
