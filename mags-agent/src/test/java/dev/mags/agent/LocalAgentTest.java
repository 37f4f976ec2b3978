package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.process.FakeProcess;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.ExitReason;
import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.RunningSandbox;
import dev.mags.protocol.v1.SandboxExit;
import dev.mags.protocol.v1.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalAgentTest {
    @TempDir
    Path dir;

    private FakeHost host;
    private LocalAgent agent;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final OutputListener listener = (stream, ts, line) -> output.add(stream + ":" + line);

    @BeforeEach
    void setUp() throws Exception {
        host = new FakeHost(dir);
        host.image("busybox");
        agent = new LocalAgent(host.config().withStopGrace(Duration.ofMillis(50)), host.access());
    }

    @AfterEach
    void tearDown() {
        agent.close();
    }

    private static SandboxSpec spec(String id, String image) {
        return SandboxSpec.shell(id, image, "echo hello", Map.of(), null);
    }

    private Path sandboxesDir() {
        return host.config().sandboxesDir();
    }

    private static SandboxExit exitOf(RunningSandbox sandbox) throws Exception {
        return sandbox.exit().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMissingImageSaysHowToBuildIt() {
        assertThatThrownBy(() -> agent.launch(spec("s1", "debian"), listener))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.IMAGE_MISSING))
                .hasMessage("base image 'debian' is not built; build it with: bin/magsd image build debian");
    }

    @Test
    void anImageShiftedForAnotherUserNamespaceMustBeRebuilt() throws Exception {
        Files.writeString(dir.resolve("images/busybox/image.json"),
                "{\"name\":\"busybox\",\"built_at\":\"2026-01-01T00:00:00Z\",\"size_bytes\":1,\"id_offset\":200000}");

        assertThatThrownBy(() -> agent.launch(spec("s1", "busybox"), listener))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.IMAGE_MISSING))
                .hasMessage("base image 'busybox' was built for sandbox root at host uid 200000, but this agent runs sandbox "
                        + "root as host uid 100000; rebuild it with: bin/magsd image build busybox");
        assertThat(host.launcher.started()).isEmpty();
    }

    @Test
    void anImageFromBeforeUserNamespacesMustBeRebuilt() throws Exception {
        Files.writeString(dir.resolve("images/busybox/image.json"),
                "{\"name\":\"busybox\",\"built_at\":\"2026-01-01T00:00:00Z\",\"size_bytes\":1}");

        assertThatThrownBy(() -> agent.launch(spec("s1", "busybox"), listener))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.IMAGE_MISSING))
                .hasMessageContaining("was built without a user namespace shift")
                .hasMessageEndingWith("rebuild it with: bin/magsd image build busybox");
    }

    @Test
    void theSandboxDirectoryIsTheMappedRootsAndClosedToHostUsers() throws Exception {
        RunningSandbox sandbox = agent.launch(spec("s1", "busybox"), listener);
        Path sandboxDir = sandboxesDir().resolve("s1");

        assertThat(Files.getAttribute(sandboxDir, "unix:uid")).isEqualTo(100_000);
        assertThat((int) Files.getAttribute(sandboxDir, "unix:mode") & 07777).isEqualTo(0700);
        assertThat(Files.getAttribute(sandboxDir.resolve("etc/hosts"), "unix:uid")).isEqualTo(100_000);
        assertThat(Files.readString(sandboxDir.resolve("bundle/config.json"))).contains("\"hostID\" : 100000");
        sandbox.stop(Duration.ofMillis(10));
        exitOf(sandbox);
    }

    @Test
    void anImageNameThatIsNotAWordIsAnInvalidSpec() {
        assertThatThrownBy(() -> agent.launch(spec("s1", "../../etc"), listener))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC));
    }

    @Test
    void runsTheContainerAndReleasesEverythingBeforeExitCompletes() throws Exception {
        host.runResponder = argv -> FakeProcess.exits(0, "hello\n", "");

        RunningSandbox sandbox = agent.launch(spec("s1", "busybox"), listener);
        SandboxExit exit = exitOf(sandbox);

        assertThat(exit).isEqualTo(SandboxExit.exited(0));
        assertThat(output).containsExactly("STDOUT:hello");
        assertThat(sandboxesDir().resolve("s1")).doesNotExist();
        assertThat(host.mounted("/s1/")).isFalse();
        assertThat(host.launcher.started()).anySatisfy(argv -> assertThat(argv).containsSubsequence(
                "mount", "-t", "overlay", "-o"));
    }

    @Test
    void aMountFailureIsARootfsFailureAndLeavesNothing() {
        host.mountResult = FakeProcess.exits(32, "", "mount: overlay: permission denied");

        assertThatThrownBy(() -> agent.launch(spec("s1", "busybox"), listener))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.ROOTFS_FAILED))
                .hasMessageContaining("permission denied");
        assertThat(sandboxesDir().resolve("s1")).doesNotExist();
        assertThat(host.launcher.started()).noneSatisfy(argv -> assertThat(argv).contains("run"));
    }

    @Test
    void aRuntimeFailureIsARuntimeFailureAndItsTextIsNotOutput() throws Exception {
        host.runResponder = argv -> {
            FakeHost.writeRuntimeError(argv, "runc run failed: exec: nope: executable file not found");
            return FakeProcess.exits(1, "", "runc run failed: exec: nope: executable file not found\n");
        };

        assertThatThrownBy(() -> agent.launch(spec("s1", "busybox"), listener))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.RUNTIME_FAILED))
                .hasMessageContaining("executable file not found");
        assertThat(sandboxesDir().resolve("s1")).doesNotExist();
        assertThat(host.mounted("/s1/")).isFalse();
        Thread.sleep(50);
        assertThat(output).isEmpty();
    }

    @Test
    void refusesASecondSandboxWithTheSameId() throws Exception {
        RunningSandbox first = agent.launch(spec("s1", "busybox"), listener);

        assertThatThrownBy(() -> agent.launch(spec("s1", "busybox"), listener))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC))
                .hasMessageContaining("already running");
        first.stop(Duration.ofMillis(10));
        assertThat(exitOf(first).reason()).isEqualTo(ExitReason.STOPPED);
    }

    @Test
    void refusesALeftoverDirectoryWithoutDeletingIt() throws Exception {
        Files.createDirectories(sandboxesDir().resolve("s1/upper"));

        assertThatThrownBy(() -> agent.launch(spec("s1", "busybox"), listener))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC))
                .hasMessageContaining("reconcile");
        assertThat(sandboxesDir().resolve("s1/upper")).isDirectory();
    }

    @Test
    void stopSendsTermThenKillAndIsIdempotent() throws Exception {
        RunningSandbox sandbox = agent.launch(spec("s1", "busybox"), listener);

        sandbox.stop(Duration.ofMillis(20));
        sandbox.stop(Duration.ofMillis(20));
        SandboxExit exit = exitOf(sandbox);

        assertThat(exit).isEqualTo(new SandboxExit(137, ExitReason.STOPPED, "stopped"));
        List<List<String>> kills = host.launcher.started().stream().filter(a -> a.contains("kill")).toList();
        assertThat(kills).extracting(a -> a.get(a.size() - 1)).containsExactly("TERM", "KILL");
        sandbox.stop(Duration.ofMillis(20)); // after the end: harmless
    }

    @Test
    void aTimeoutKillsTheSandbox() throws Exception {
        RunningSandbox sandbox = agent.launch(
                SandboxSpec.shell("s1", "busybox", "sleep 100", Map.of(), Duration.ofMillis(100)), listener);

        assertThat(exitOf(sandbox)).isEqualTo(new SandboxExit(137, ExitReason.TIMED_OUT, "timed out after 100 ms"));
    }

    @Test
    void closeStopsEverythingAndRefusesNewSandboxes() throws Exception {
        RunningSandbox sandbox = agent.launch(spec("s1", "busybox"), listener);

        agent.close();

        assertThat(sandbox.exit()).isDone();
        assertThat(exitOf(sandbox).reason()).isEqualTo(ExitReason.AGENT_SHUTDOWN);
        assertThatThrownBy(() -> agent.launch(spec("s2", "busybox"), listener))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.SHUTTING_DOWN));
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatThrownBy(() -> agent.launch(SandboxSpec.shell("s1", "busybox", "true", Map.of(), Duration.ZERO), listener))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC))
                .hasMessageContaining("timeout");
    }

    @Test
    void listsBuiltImages() {
        assertThat(agent.images()).extracting(i -> i.name()).containsExactly("busybox");
        assertThat(agent.image("busybox")).isPresent();
    }
}
