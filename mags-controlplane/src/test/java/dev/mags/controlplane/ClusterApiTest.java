package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.controlplane.cluster.AgentMonitor;
import dev.mags.controlplane.cluster.AgentRecord;
import dev.mags.controlplane.cluster.AgentRegistry;
import dev.mags.controlplane.cluster.ClusterDirectory;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.files.MapFileBlobs;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.StateBackend;
import dev.mags.controlplane.workspace.WorkspaceCatalog;
import dev.mags.wire.Heartbeat;
import dev.mags.wire.WireJson;
import dev.mags.wire.WireProtocol;
import dev.mags.wire.server.AgentServer;
import dev.mags.wire.server.SlotLimitedAgent;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A control plane in cluster mode, as {@code magsd control-plane} wires it: the heartbeat route on its API, a
 * {@code ClusterDirectory} of {@code RemoteAgent}s over the same registry, and an agent (a fake one) served over the
 * wire that registers by heartbeat. Jobs run on that agent; when it stops answering and is declared lost, the job
 * whose sandbox stays there ends in error, saying why.
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class ClusterApiTest {
    private static final String SECRET = "the-cluster-agent-secret";

    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    private final FakeAgent host = new FakeAgent("busybox");
    private final HttpClient http = HttpClient.newHttpClient();
    private Database db;
    private AgentRegistry registry;
    private ClusterDirectory directory;
    private ControlPlane cp;
    private AgentServer agentServer;
    private String token;

    @BeforeEach
    void start() {
        db = backend.open(dir);
        registry = new AgentRegistry(db.jdbi());
        directory = ClusterDirectory.remote(registry, SECRET, ClusterDirectory.DiskSettings.NONE);
        cp = new ControlPlane(ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox"), db, directory,
                WorkspaceCatalog.NONE, new MapFileBlobs(), Clock.systemUTC());
        cp.acceptHeartbeats(SECRET, registry);
        token = cp.tokens().createToken("alice", true);
        cp.start();
        agentServer = AgentServer.start(host, SECRET, "127.0.0.1", 0);
        agentUrl = URI.create("http://127.0.0.1:" + agentServer.port());
    }

    @AfterEach
    void stop() {
        agentServer.close();
        cp.close();
        host.close();
        db.close();
    }

    private URI agentUrl;

    private URI agentUrl() {
        return agentUrl;
    }

    private Heartbeat beat(int slotsUsed, Instant started) {
        return new Heartbeat("host-a", agentUrl(), 8, slotsUsed, 8L << 30, 4L << 30, List.of(), started);
    }

    private HttpResponse<String> post(String path, String authorization, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> heartbeat(String authorization, Heartbeat hb) {
        try {
            return post(WireProtocol.HEARTBEAT_PATH, authorization, WireJson.mapper().writeValueAsString(hb));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aHeartbeatWithoutTheAgentSecretIsRefusedAndRegistersNothing() {
        Heartbeat hb = beat(0, Instant.now());
        for (String authorization : new String[] {null, "Bearer wrong-secret-of-same-size", "Bearer " + SECRET + "x",
                "Bearer " + token, SECRET}) {
            HttpResponse<String> r = heartbeat(authorization, hb);
            assertThat(r.statusCode()).as(authorization).isEqualTo(401);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("unauthorized");
            assertThat(json(r).at("/error/message").asText()).contains("agent secret");
        }
        assertThat(registry.all()).isEmpty();
    }

    @Test
    void aHeartbeatRegistersTheAgentAndIsAnsweredLostOnceTheAgentIsDeclaredLost() {
        Instant started = Instant.now().minusSeconds(30);
        HttpResponse<String> r = heartbeat("Bearer " + SECRET, beat(1, started));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("state").asText()).isEqualTo("live");
        AgentRecord a = registry.find("host-a").orElseThrow();
        assertThat(a.state()).isEqualTo(AgentRecord.State.LIVE);
        assertThat(a.url()).isEqualTo(agentUrl());
        assertThat(a.slotsUsed()).isEqualTo(1);

        registry.markLost(Instant.now().plusSeconds(60));
        r = heartbeat("Bearer " + SECRET, beat(1, started));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("state").asText()).isEqualTo("lost");
        assertThat(registry.find("host-a").orElseThrow().state()).isEqualTo(AgentRecord.State.LOST);

        r = heartbeat("Bearer " + SECRET, beat(0, started)); // it stopped everything
        assertThat(json(r).get("state").asText()).isEqualTo("live");
    }

    @Test
    void aHeartbeatThatIsNotOneIsRefusedSayingWhatIsWrong() {
        String auth = "Bearer " + SECRET;
        assertThat(post(WireProtocol.HEARTBEAT_PATH, auth, "{not json").statusCode()).isEqualTo(400);
        HttpResponse<String> r = post(WireProtocol.HEARTBEAT_PATH, auth, "{\"url\":\"http://a:1\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("invalid_heartbeat");
        r = heartbeat(auth, new Heartbeat("../etc", agentUrl(), 1, 0, 1, 1, List.of(), Instant.now()));
        assertThat(json(r).at("/error/message").asText()).contains("agentId '../etc'");
        r = heartbeat(auth, new Heartbeat("host-a", URI.create("file:///x"), 1, 0, 1, 1, List.of(), Instant.now()));
        assertThat(json(r).at("/error/message").asText()).contains("is not an http(s) URL");
        r = heartbeat(auth, new Heartbeat("host-a", agentUrl(), 1, 0, 1, 1, List.of(), null));
        assertThat(json(r).at("/error/message").asText()).contains("startedAt is missing");
        r = heartbeat(auth, new Heartbeat("host-a", agentUrl(), -1, 0, 1, 1, List.of(), Instant.now()));
        assertThat(r.statusCode()).isEqualTo(400);
        r = heartbeat(auth, new Heartbeat("host-a", agentUrl(), 1, 0, 1, 1, List.of(), Instant.now(), -5L, 0L));
        assertThat(json(r).at("/error/message").asText()).contains("disk figures are byte counts");
        r = post(WireProtocol.HEARTBEAT_PATH, auth, "{\"agentId\":\"host-a\",\"url\":\"http://a:1\",\"startedAt\":"
                + "\"2027-01-01T00:00:00Z\",\"workspaces\":[\"../../etc\"]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).at("/error/message").asText()).contains("workspace key '../../etc'");
        assertThat(registry.all()).isEmpty();
    }

    @Test
    void theRouteIsNoPartOfThePublicApiAndIsAddedBeforeTheApiListens() {
        assertThat(cp.routes()).noneMatch(route -> route.contains("heartbeat"));
        assertThatThrownBy(() -> cp.acceptHeartbeats(SECRET, registry)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void jobsRunOnTheRegisteredAgentAndAKeptJobSleepsWhenItsAgentIsLost() {
        HttpResponse<String> r = post("/api/v1/mags-jobs", "Bearer " + token, "{\"script\":\"out hi\"}");
        assertThat(r.statusCode()).as("no agent yet").isEqualTo(503);

        heartbeat("Bearer " + SECRET, beat(0, Instant.now()));
        directory.refresh(); // rather than waiting for its next read of the registry (every second)
        String once = submit("{\"script\":\"out hi\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> status(once).get("status").asText().equals("completed"));
        String always = submit("{\"script\":\"out up\",\"workspace_id\":\"site\",\"persistent\":true}");
        await().atMost(Duration.ofSeconds(20)).until(() -> status(always).path("exit_code").isInt());
        assertThat(status(always).get("status").asText()).isEqualTo("running");
        assertThat(host.launched).as("both ran on the agent, over the wire").hasSize(2);

        agentServer.close(); // its host is gone: no more heartbeats, no answers
        Clock later = Clock.offset(Clock.systemUTC(), AgentMonitor.DEFAULT_LOST_AFTER.plusSeconds(1));
        try (AgentMonitor monitor = new AgentMonitor(registry, directory, AgentMonitor.DEFAULT_LOST_AFTER,
                later).start()) {
            // its workspace is in storage as of its last snapshot: the job sleeps, to be woken on another agent
            await().atMost(Duration.ofSeconds(30)).until(() -> status(always).get("status").asText().equals("sleeping"));
        }
    }

    @Test
    void aSandboxThatAnAgentRefusesAsFullRunsOnAnotherAgentInstead() {
        // "full" may run one sandbox and runs one (placed by another replica), but its last heartbeat said 16 free:
        // the roomier agent, where placement puts the first job
        FakeAgent full = new FakeAgent("busybox");
        full.create(new SandboxSpec(SandboxId.of("placed-elsewhere"), "busybox", SandboxLimits.DEFAULT,
                NetworkMode.NONE, null, null, Map.of()));
        AgentServer fullServer = AgentServer.start(new SlotLimitedAgent(full, 1), SECRET, "127.0.0.1", 0);
        try {
            URI fullUrl = URI.create("http://127.0.0.1:" + fullServer.port());
            heartbeat("Bearer " + SECRET, new Heartbeat("host-full", fullUrl, 16, 0, 8L << 30, 4L << 30, List.of(),
                    Instant.now()));
            heartbeat("Bearer " + SECRET, beat(0, Instant.now()));
            directory.refresh();

            List<String> jobs = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                jobs.add(submit("{\"script\":\"out hi\"}"));
            }
            for (String id : jobs) {
                await().atMost(Duration.ofSeconds(20)).until(() -> status(id).get("status").asText().matches("completed|error"));
                assertThat(status(id).get("status").asText()).as(status(id).toString()).isEqualTo("completed");
            }
            assertThat(host.launched).as("every job ran on the agent with room").hasSize(6);
            assertThat(full.launched).as("nothing more started on the full one").hasSize(1);
        } finally {
            fullServer.close();
            full.close();
        }
    }

    private String submit(String body) {
        HttpResponse<String> r = post("/api/v1/mags-jobs", "Bearer " + token, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json(r).get("request_id").asText();
    }

    private JsonNode status(String id) {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.port() + "/api/v1/mags-jobs/" + id
                + "/status")).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            return JobsApiTest.json(http.send(get, HttpResponse.BodyHandlers.ofString()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
