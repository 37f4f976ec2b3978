package dev.mags.controlplane.cluster;

import static dev.mags.controlplane.cluster.Beats.GIB;
import static dev.mags.controlplane.cluster.Beats.beat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.StateBackend;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.protocol.v2.WorkspaceMount;
import dev.mags.wire.Heartbeat;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cluster's directory over a real registry and in-process fake agents: where sandboxes go, where they are
 * found, and what happens to the links of agents that restart or are declared lost. It reads the registry on every
 * call here (refresh interval zero), so each heartbeat counts at once.
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class ClusterDirectoryTest {
    private static final Instant T0 = Instant.parse("2027-01-10T10:00:00Z");
    private static final Instant STARTED = T0.minusSeconds(60);
    private static final AtomicInteger IDS = new AtomicInteger();

    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    private Database db;
    private AgentRegistry registry;
    private final FakeLinks links = new FakeLinks();
    private ClusterDirectory directory;

    @BeforeEach
    void open() {
        db = backend.open(dir);
        registry = new AgentRegistry(db.jdbi());
        directory = new ClusterDirectory(registry, links, Duration.ZERO, ClusterDirectory.DiskSettings.NONE);
    }

    @AfterEach
    void close() {
        directory.close();
        db.close();
    }

    private static URI url(String id) {
        return URI.create("http://" + id + ".test:7070");
    }

    private Agent agent(String id) {
        return links.at(url(id));
    }

    private static SandboxSpec spec(String workspace) {
        return new SandboxSpec(SandboxId.of("sb-" + IDS.incrementAndGet()), "busybox", SandboxLimits.DEFAULT,
                NetworkMode.NONE, workspace == null ? null : new WorkspaceMount(WorkspaceKey.of(workspace), null), null,
                Map.of());
    }

    /** Places and creates {@code n} sandboxes; returns how many each agent got. */
    private Map<Agent, Integer> placeAndCreate(int n) {
        Map<Agent, Integer> got = new HashMap<>();
        for (int i = 0; i < n; i++) {
            SandboxSpec spec = spec(null);
            Agent agent = directory.place(spec);
            agent.create(spec);
            got.merge(agent, 1, Integer::sum);
        }
        return got;
    }

    @Test
    void sandboxesGoWhereThereIsRoomUntilEveryAgentIsFull() {
        for (String id : new String[] {"a", "b", "c"}) {
            registry.heartbeat(beat(id, STARTED, 2, 0), T0);
        }

        assertThat(placeAndCreate(6)).containsOnly(Map.entry(agent("a"), 2), Map.entry(agent("b"), 2),
                Map.entry(agent("c"), 2));

        assertThatThrownBy(() -> directory.place(spec(null))).isInstanceOfSatisfying(AgentException.class, e -> {
            assertThat(e.code()).isEqualTo(AgentErrorCode.CAPACITY);
            assertThat(e.getMessage()).contains("every agent of the cluster is full (3 live, 6 sandboxes in all)");
        });
    }

    @Test
    void anAgentThatRefusedASandboxAsFullGetsNoneUntilANewerHeartbeatSaysItHasRoom() {
        // as its heartbeat says, "a" has room; it refused a sandbox (another replica filled it meanwhile)
        registry.heartbeat(beat("a", STARTED, 4, 0), T0);
        registry.heartbeat(beat("b", STARTED, 4, 0), T0);
        directory.full(agent("a"));

        for (int i = 0; i < 4; i++) {
            assertThat(directory.place(spec(null))).isSameAs(agent("b"));
        }
        assertThatThrownBy(() -> directory.place(spec(null))).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(AgentErrorCode.CAPACITY));

        registry.heartbeat(beat("a", STARTED, 4, 3), T0.plusSeconds(2)); // one of its sandboxes has ended
        assertThat(directory.place(spec(null))).isSameAs(agent("a"));
    }

    @Test
    void aSandboxsDiskGoesOnlyToAHostWithRoomAboveItsReserveCountingDisksPlacedSinceItsHeartbeat() {
        // default disks are 2 GiB; every host keeps 4 GiB free
        try (ClusterDirectory withReserve = new ClusterDirectory(registry, links, Duration.ZERO,
                new ClusterDirectory.DiskSettings(4 * Beats.GIB, 1.0))) {
            registry.heartbeat(Beats.beatWithDisk("tight", STARTED, 20, 5 * Beats.GIB, 0), T0); // room: 1 GiB
            registry.heartbeat(Beats.beatWithDisk("roomy", STARTED, 20, 12 * Beats.GIB, 2 * Beats.GIB), T0); // 6 GiB
            for (int i = 0; i < 3; i++) {
                assertThat(withReserve.place(spec(null))).isSameAs(agent("roomy"));
            }
            assertThatThrownBy(() -> withReserve.place(spec(null))).isInstanceOfSatisfying(AgentException.class, e -> {
                assertThat(e.code()).isEqualTo(AgentErrorCode.CAPACITY);
                assertThat(e.getMessage()).contains("no agent with a free slot has room on its disk")
                        .contains("2048 MiB disk");
            });
            // its next heartbeat says what those disks take now: the room is what it says
            registry.heartbeat(Beats.beatWithDisk("roomy", STARTED, 20, 12 * Beats.GIB, 4 * Beats.GIB), T0.plusSeconds(2));
            assertThat(withReserve.place(spec(null))).isSameAs(agent("roomy"));
        }
    }

    @Test
    void anAgentWhoseHeartbeatSaysNothingOfItsDiskIsNotJudgedOnIt() {
        try (ClusterDirectory withReserve = new ClusterDirectory(registry, links, Duration.ZERO,
                new ClusterDirectory.DiskSettings(1L << 50, 1.0))) {
            registry.heartbeat(beat("older", STARTED, 2, 0), T0);
            assertThat(withReserve.place(spec(null))).isSameAs(agent("older"));
        }
    }

    @Test
    void twoAgentsWithTheSameRoomShareTheSandboxesEvenly() {
        registry.heartbeat(beat("a", STARTED, 10, 0), T0);
        registry.heartbeat(beat("b", STARTED, 10, 0), T0);

        assertThat(placeAndCreate(10)).containsOnly(Map.entry(agent("a"), 5), Map.entry(agent("b"), 5));
    }

    @Test
    void theAgentWithMoreFreeSlotsWinsThenTheOneWithMoreFreeMemory() {
        registry.heartbeat(beat("busy", STARTED, 10, 8), T0);
        registry.heartbeat(beat("idle", STARTED, 10, 0), T0);
        assertThat(placeAndCreate(8)).containsOnly(Map.entry(agent("idle"), 8));

        registry.heartbeat(beat("small", url("small"), STARTED, 4, 0, GIB), T0);
        registry.heartbeat(beat("large", url("large"), STARTED, 4, 0, 6 * GIB), T0);
        registry.heartbeat(beat("busy", STARTED, 10, 10), T0.plusSeconds(2));
        registry.heartbeat(beat("idle", STARTED, 10, 10), T0.plusSeconds(2));
        assertThat(directory.place(spec(null))).isSameAs(agent("large"));
    }

    @Test
    void placementsSinceAnAgentsLastHeartbeatCountUntilTheNextOne() {
        registry.heartbeat(beat("a", STARTED, 1, 0), T0);
        assertThat(directory.place(spec(null))).isSameAs(agent("a"));
        assertThatThrownBy(() -> directory.place(spec(null))).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(AgentErrorCode.CAPACITY));

        registry.heartbeat(beat("a", STARTED, 1, 1), T0.plusSeconds(2));
        assertThatThrownBy(() -> directory.place(spec(null))).isInstanceOf(AgentException.class);

        registry.heartbeat(beat("a", STARTED, 1, 0), T0.plusSeconds(4)); // that sandbox ended
        assertThat(directory.place(spec(null))).isSameAs(agent("a"));
    }

    @Test
    void aWorkspacesSandboxGoesToTheAgentThatKeepsItsDiskEvenWhenFull() {
        registry.heartbeat(beat("keeper", STARTED, 2, 2, "ws-1"), T0);
        registry.heartbeat(beat("other", STARTED, 10, 0), T0);

        assertThat(directory.place(spec("ws-1"))).isSameAs(agent("keeper"));
        assertThat(directory.place(spec("ws-2"))).isSameAs(agent("other"));
        assertThat(directory.keeping(WorkspaceKey.of("ws-1"))).containsSame(agent("keeper"));
        assertThat(directory.keeping(WorkspaceKey.of("ws-3"))).isEmpty();
    }

    @Test
    void aNewWorkspaceStaysWhereItWasPlacedBeforeTheAgentHeartbeatsIt() {
        registry.heartbeat(beat("a", STARTED, 10, 0), T0);
        registry.heartbeat(beat("b", STARTED, 10, 0), T0);

        Agent first = directory.place(spec("fresh"));
        for (int i = 0; i < 5; i++) {
            assertThat(directory.place(spec("fresh"))).isSameAs(first);
        }
        assertThat(directory.keeping(WorkspaceKey.of("fresh"))).containsSame(first);
    }

    @Test
    void aNewWorkspaceIsStillKeptWhenTheNextHeartbeatWasPutTogetherBeforeItsPlacement() {
        registry.heartbeat(beat("a", STARTED, 10, 0), T0);
        Agent placed = directory.place(spec("fresh"));

        registry.heartbeat(beat("a", STARTED, 10, 0), T0.plusSeconds(2)); // on its way while the sandbox was made
        assertThat(directory.keeping(WorkspaceKey.of("fresh"))).containsSame(placed);
        registry.heartbeat(beat("a", STARTED, 10, 1, "fresh"), T0.plusSeconds(4));
        assertThat(directory.keeping(WorkspaceKey.of("fresh"))).containsSame(placed);
    }

    @Test
    void withoutAnyLiveAgentPlacementSaysToStartOne() {
        assertThatThrownBy(() -> directory.place(spec(null))).isInstanceOfSatisfying(AgentException.class, e -> {
            assertThat(e.code()).isEqualTo(AgentErrorCode.UNREACHABLE);
            assertThat(e.getMessage()).contains("start magsd agent --control-plane URL");
        });

        registry.heartbeat(beat("a", STARTED, 4, 0), T0);
        registry.markLost(T0.plusSeconds(30));
        assertThatThrownBy(() -> directory.place(spec(null))).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(AgentErrorCode.UNREACHABLE));
        assertThat(directory.agents()).isEmpty();
    }

    @Test
    void aSandboxIsFoundOnItsAgentWhetherPlacedHereOrNot() {
        registry.heartbeat(beat("a", STARTED, 4, 0), T0);
        registry.heartbeat(beat("b", STARTED, 4, 0), T0);
        SandboxSpec placed = spec(null);
        Agent holder = directory.place(placed);
        Sandbox sandbox = holder.create(placed);
        // as another replica (or this one before a restart) made it
        SandboxSpec elsewhere = spec(null);
        agent("b").create(elsewhere);

        assertThat(directory.holding(placed.id())).containsSame(holder);
        assertThat(directory.sandbox(placed.id())).containsSame(sandbox);
        assertThat(directory.holding(elsewhere.id())).containsSame(agent("b"));
        assertThat(directory.holding(SandboxId.of("never-made"))).isEmpty();

        sandbox.stop(Duration.ZERO, false).join();
        assertThat(directory.holding(placed.id())).isEmpty();
        assertThat(directory.sandbox(placed.id())).isEmpty();
    }

    @Test
    void aRestartedAgentGetsANewLinkAndTheOldOnesSandboxesEnd() {
        registry.heartbeat(beat("a", STARTED, 4, 0), T0);
        directory.refresh();
        FakeLinks.Link first = links.made.getFirst();

        Instant restarted = T0.plusSeconds(5);
        registry.heartbeat(beat("a", restarted, 4, 0), T0.plusSeconds(6));
        directory.refresh();

        assertThat(first.closed).isTrue();
        assertThat(first.lost).singleElement().asString().contains("the agent a restarted at " + restarted);
        assertThat(links.made).hasSize(2);
        assertThat(links.made.getLast().closed).isFalse();
        assertThat(directory.agents()).hasSize(1);
    }

    @Test
    void anAgentThatMovedGetsALinkToItsNewAddress() {
        registry.heartbeat(beat("a", STARTED, 4, 0), T0);
        directory.refresh();
        URI moved = URI.create("http://10.0.0.7:7070");
        registry.heartbeat(beat("a", moved, STARTED, 4, 0, GIB), T0.plusSeconds(2));
        directory.refresh();

        assertThat(links.made).extracting(l -> l.url).containsExactly(url("a"), moved);
        assertThat(links.made.getFirst().closed).isTrue();
        assertThat(directory.place(spec(null))).isSameAs(links.at(moved));
    }

    @Test
    void theMonitorDeclaresSilentAgentsLostAndTheirSandboxesEndWithTheReason() {
        registry.heartbeat(beat("a", STARTED, 10, 0), T0);
        registry.heartbeat(beat("b", STARTED, 5, 0), T0.plusSeconds(10));
        SandboxSpec onA = spec(null);
        assertThat(directory.place(onA)).as("the roomier agent").isSameAs(agent("a"));
        agent("a").create(onA);
        FakeLinks.Link linkA = links.made.stream().filter(l -> l.url.equals(url("a"))).findFirst().orElseThrow();

        Clock at = Clock.fixed(T0.plusSeconds(20), ZoneOffset.UTC);
        try (AgentMonitor monitor = new AgentMonitor(registry, directory, Duration.ofSeconds(15), at)) {
            assertThat(monitor.check()).extracting(AgentRecord::id).containsExactly("a");
            assertThat(monitor.check()).isEmpty();
        }

        assertThat(linkA.lost).containsExactly("the agent a on " + url("a") + " stopped answering at " + T0);
        assertThat(linkA.closed).isTrue();
        assertThat(directory.holding(onA.id())).as("not asked of a lost agent").isEmpty();
        assertThat(directory.agents()).containsExactly(agent("b"));
        for (int i = 0; i < 4; i++) {
            assertThat(directory.place(spec(null))).isSameAs(agent("b"));
        }
    }

    @Test
    void anotherReplicasDirectoryLearnsOfTheLostAgentFromTheRegistry() {
        registry.heartbeat(beat("a", STARTED, 4, 0), T0);
        directory.refresh();
        registry.markLost(T0.plusSeconds(20)); // by another replica's monitor

        directory.refresh();
        assertThat(links.made.getFirst().lost).containsExactly("the agent a on " + url("a")
                + " stopped answering at " + T0);

        // it stopped everything and comes back: a new link, the old one stays closed
        assertThat(registry.heartbeat(beat("a", STARTED, 4, 0), T0.plusSeconds(22))).isEqualTo(Heartbeat.Answer.LIVE);
        directory.refresh();
        assertThat(links.made).hasSize(2);
        assertThat(directory.place(spec(null))).isSameAs(agent("a"));
    }

    @Test
    void imagesComeFromTheLiveAgents() {
        assertThat(directory.image("busybox")).isEmpty();
        registry.heartbeat(beat("a", STARTED, 4, 0), T0);
        assertThat(directory.image("busybox")).hasValueSatisfying(i -> assertThat(i.name()).isEqualTo("busybox"));
        assertThat(directory.image("debian")).isEmpty();
    }

    @Test
    void closingReleasesTheLinksAndTakesNoMoreSandboxes() {
        registry.heartbeat(beat("a", STARTED, 4, 0), T0);
        SandboxSpec s = spec(null);
        directory.place(s).create(s);

        directory.close();

        assertThat(links.made).singleElement().satisfies(l -> {
            assertThat(l.closed).isTrue();
            assertThat(l.lost).isEmpty();
        });
        assertThat(agent("a").sandbox(s.id())).as("the agent's sandbox goes on").isPresent();
        assertThatThrownBy(() -> directory.place(spec(null))).isInstanceOfSatisfying(AgentException.class,
                e -> assertThat(e.code()).isEqualTo(AgentErrorCode.SHUTTING_DOWN));
    }
}
