package dev.mags.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxNetworkTest {
    /** A live process (this JVM), so the watcher sees the sandbox's init running. */
    private static final long INIT = ProcessHandle.current().pid();

    @TempDir
    Path dir;
    private Path proc;
    private Path runDir;
    private final FakeProcessLauncher launcher = new FakeProcessLauncher();
    private final List<FakeSlirpApi> apis = new ArrayList<>();
    private final List<FakeProcess> slirps = new ArrayList<>();
    private final AtomicReference<List<String>> routesSeen = new AtomicReference<>();
    private final AtomicInteger addAttempts = new AtomicInteger();

    @BeforeEach
    void fakeHost() throws IOException {
        proc = dir.resolve("proc");
        Files.createDirectories(proc.resolve("self/ns"));
        Files.createDirectories(proc.resolve(INIT + "/ns"));
        Files.createSymbolicLink(proc.resolve("self/ns/net"), Path.of("net:[4026531833]"));
        Files.createSymbolicLink(proc.resolve(INIT + "/ns/net"), Path.of("net:[4026532178]"));
        runDir = dir.resolve("sandboxes/s1/net");
        launcher.respond(argv -> switch (argv.get(0)) {
            case "slirp4netns" -> startFakeSlirp(Path.of(argv.get(argv.indexOf("--api-socket") + 1)), r -> "{\"return\":{\"entries\":[]}}");
            case "nsenter" -> {
                routesSeen.set(read(Path.of(argv.get(argv.size() - 1))));
                yield FakeProcess.succeeds("");
            }
            default -> FakeProcess.exits(127, "", "unexpected " + argv);
        });
    }

    @AfterEach
    void stopFakes() throws IOException {
        for (FakeSlirpApi api : apis) {
            api.close();
        }
    }

    @Test
    void attachStartsSlirpWaitsForItsApiThenAddsTheRoutes() throws Exception {
        try (AttachedNetwork network = network(EgressPolicy.parse("10.0.0.0/8", "")).attach("s1", INIT, runDir)) {
            assertThat(launcher.started()).containsExactly(
                    new Slirp4netns(launcher).argv(INIT, runDir.resolve("slirp.sock")),
                    Ip.batchArgv(INIT, runDir.resolve("routes")));
            assertThat(routesSeen.get()).containsExactly(
                    "route add unreachable 10.0.0.0/8",
                    "route add unreachable 169.254.0.0/16",
                    "route add unreachable 192.0.2.2/32");
            assertThat(apis.get(0).requests()).extracting(r -> r.path("execute").asText()).containsExactly("list_hostfwd");
            assertThat(runDir.resolve("routes")).doesNotExist();
            assertThat(network.nameserver()).isEqualTo("10.0.2.3");
            assertThat(SandboxNetwork.resolvConf()).isEqualTo("nameserver 10.0.2.3\n");
            assertThat(network.sandboxId()).isEqualTo("s1");
            assertThat(network.initPid()).isEqualTo(INIT);
        }
    }

    @Test
    void closeKillsSlirpRemovesItsFilesAndIsHarmlessTwice() throws Exception {
        AttachedNetwork network = network(EgressPolicy.defaults()).attach("s1", INIT, runDir);

        network.close();
        network.close();

        assertThat(slirps.get(0).wasDestroyed()).isTrue();
        assertThat(runDir).doesNotExist();
        assertThat(network.isClosed()).isTrue();
    }

    @Test
    void closeKeepsARunDirectoryThatHoldsOtherFiles() throws Exception {
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("keep-me"), "x");

        network(EgressPolicy.defaults()).attach("s1", INIT, runDir).close();

        assertThat(runDir.resolve("keep-me")).exists();
        assertThat(runDir.resolve("slirp.sock")).doesNotExist();
    }

    @Test
    void aSlirpThatExitsEarlyIsReportedWithItsOutput() {
        launcher.respond(argv -> FakeProcess.exits(1, "", "open(\"/dev/net/tun\"): No such device\nchild failed(1)\n"));

        assertThatThrownBy(() -> network(EgressPolicy.defaults()).attach("s1", INIT, runDir))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("sandbox s1")
                .hasMessageContaining("exited with code 1 before it was ready")
                .hasMessageContaining("/dev/net/tun");
        assertThat(runDir).doesNotExist();
    }

    @Test
    void aSlirpThatNeverAnswersRunsIntoTheReadyTimeoutAndIsKilled() {
        FakeProcess silent = FakeProcess.hangs();
        launcher.respond(argv -> silent);

        assertThatThrownBy(() -> network(EgressPolicy.defaults()).attach("s1", INIT, runDir))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("was not ready within 200 ms");
        assertThat(silent.wasDestroyed()).isTrue();
        assertThat(runDir).doesNotExist();
    }

    @Test
    void failingRoutesStopSlirpAndNameIpsError() {
        launcher.respond(argv -> argv.get(0).equals("slirp4netns")
                ? startFakeSlirp(Path.of(argv.get(argv.indexOf("--api-socket") + 1)), r -> "{\"return\":{\"entries\":[]}}")
                : FakeProcess.exits(1, "", "RTNETLINK answers: Operation not permitted\n"));

        assertThatThrownBy(() -> network(EgressPolicy.defaults()).attach("s1", INIT, runDir))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("cannot add the routes of sandbox s1")
                .hasMessageContaining("Operation not permitted");
        assertThat(slirps.get(0).wasDestroyed()).isTrue();
        assertThat(runDir).doesNotExist();
    }

    @Test
    void refusesAProcessInTheAgentsOwnNetworkNamespace() throws IOException {
        Files.delete(proc.resolve(INIT + "/ns/net"));
        Files.createSymbolicLink(proc.resolve(INIT + "/ns/net"), Path.of("net:[4026531833]"));

        assertThatThrownBy(() -> network(EgressPolicy.defaults()).attach("s1", INIT, runDir))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("agent's own network namespace");
        assertThat(launcher.started()).isEmpty();
    }

    @Test
    void refusesAGoneProcessAndAnOverlongSocketPath() {
        assertThatThrownBy(() -> network(EgressPolicy.defaults()).attach("s1", 1234567, runDir))
                .isInstanceOf(NetworkException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> network(EgressPolicy.defaults()).attach("s1", INIT, dir.resolve("x".repeat(120))))
                .isInstanceOf(NetworkException.class).hasMessageContaining("longer than the 107 bytes");
        assertThat(launcher.started()).isEmpty();
    }

    private SandboxNetwork network(EgressPolicy policy) {
        HostAddresses host = () -> List.of(address("192.0.2.2"));
        return new SandboxNetwork(new Slirp4netns(launcher), new Ip(new CommandRunner(launcher)), policy, host, proc,
                new SandboxNetwork.Timings(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofHours(1)));
    }

    private Process startFakeSlirp(Path socket, Function<JsonNode, String> answer) {
        synchronized (apis) {
            apis.add(FakeSlirpApi.start(socket).answer(answer));
        }
        FakeProcess process = FakeProcess.hangs();
        slirps.add(process);
        return process;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Inet4Address address(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
