package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.sandbox.LocalSandbox;
import dev.mags.agent.sandbox.SandboxShape;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalAgentTest {
    private static final SandboxShape DEFAULT_SHAPE = new SandboxShape("busybox", SandboxLimits.DEFAULT, NetworkMode.NONE);

    @TempDir
    Path dir;

    private FakeHost host;
    private LocalAgent agent;
    private final RecordingListener listener = new RecordingListener();

    @BeforeEach
    void setUp() throws Exception {
        host = new FakeHost(dir);
        host.image("busybox");
        agent = agent(WarmPoolConfig.disabled());
    }

    private LocalAgent agent(WarmPoolConfig pool) {
        return new LocalAgent(host.config().withStopGrace(Duration.ofMillis(50)).withWarmPool(pool), host.access());
    }

    @AfterEach
    void tearDown() {
        agent.close();
        assertThat(host.liveProcesses()).as("processes left running").isEmpty();
        host.close();
    }

    private static JobSpec spec(String id, String image) {
        return JobSpec.shell(id, image, "echo hello", Map.of(), null);
    }

    private static SandboxSpec sandbox(String id, String image) {
        return spec(id, image).sandbox();
    }

    private List<String> output() {
        return listener.lines().stream().map(l -> l.stream() + ":" + l.text()).toList();
    }

    private Path sandboxesDir() {
        return host.config().sandboxesDir();
    }

    private List<Path> sandboxDirs() throws Exception {
        if (!Files.isDirectory(sandboxesDir())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(sandboxesDir())) {
            return dirs.toList();
        }
    }

    private static ExecExit exitOf(Job job) throws Exception {
        return job.exit().get(10, TimeUnit.SECONDS);
    }

    private Job launch(JobSpec spec) {
        return Job.launch(agent, spec, listener);
    }

    private List<List<String>> started(String subcommand) {
        return host.launcher.started().stream().filter(a -> a.contains(subcommand)).toList();
    }

    @Test
    void aMissingImageSaysHowToBuildIt() {
        assertThatThrownBy(() -> agent.create(sandbox("s1", "debian")))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.IMAGE_MISSING))
                .hasMessage("base image 'debian' is not built; build it with: bin/magsd image build debian");
    }

    @Test
    void anImageShiftedForAnotherUserNamespaceMustBeRebuilt() throws Exception {
        Files.writeString(dir.resolve("images/busybox/image.json"),
                "{\"name\":\"busybox\",\"built_at\":\"2026-01-01T00:00:00Z\",\"size_bytes\":1,\"id_offset\":200000}");

        assertThatThrownBy(() -> agent.create(sandbox("s1", "busybox")))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.IMAGE_MISSING))
                .hasMessage("base image 'busybox' was built for sandbox root at host uid 200000, but this agent runs sandbox "
                        + "root as host uid 100000; rebuild it with: bin/magsd image build busybox");
        assertThat(host.launcher.started()).as("nothing but what the agent does at start: its own tmpfs mounts and"
                        + " a user namespace made ahead")
                .allSatisfy(argv -> assertThat(argv.contains("tmpfs") || argv.subList(0, 2).equals(List.of("/bin/busybox", "unshare")))
                        .as(String.join(" ", argv)).isTrue());
    }

    @Test
    void anImageFromBeforeUserNamespacesMustBeRebuilt() throws Exception {
        Files.writeString(dir.resolve("images/busybox/image.json"),
                "{\"name\":\"busybox\",\"built_at\":\"2026-01-01T00:00:00Z\",\"size_bytes\":1}");

        assertThatThrownBy(() -> agent.create(sandbox("s1", "busybox")))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.IMAGE_MISSING))
                .hasMessageContaining("was built without a user namespace shift")
                .hasMessageEndingWith("rebuild it with: bin/magsd image build busybox");
    }

    @Test
    void theSandboxDirectoryIsTheMappedRootsAndClosedToHostUsers() throws Exception {
        Sandbox sandbox = agent.create(sandbox("s1", "busybox"));
        Path sandboxDir = sandboxesDir().resolve("s1");

        assertThat(Files.getAttribute(sandboxDir, "unix:uid")).isEqualTo(100_000);
        assertThat((int) Files.getAttribute(sandboxDir, "unix:mode") & 07777).isEqualTo(0700);
        assertThat(Files.getAttribute(sandboxDir.resolve("binds/etc/hosts"), "unix:uid")).isEqualTo(100_000);
        assertThat(Files.readString(sandboxDir.resolve("bundle/config.json"))).contains("\"hostID\" : 100000");
        sandbox.stop(Duration.ofMillis(10), false).get(10, TimeUnit.SECONDS);
    }

    @Test
    void anImageNameThatIsNotAWordIsAnInvalidSpec() {
        assertThatThrownBy(() -> agent.create(sandbox("s1", "../../etc")))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC));
    }

    @Test
    void anEnvironmentNameWithAnEqualsSignIsAnInvalidSpecAndCostsNoContainer() {
        assertThatThrownBy(() -> agent.create(new SandboxSpec(SandboxId.of("s1"), "busybox", SandboxLimits.DEFAULT,
                NetworkMode.NONE, null, null, Map.of("A=B", "x"))))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC))
                .hasMessageContaining("A=B");
        assertThat(started("run")).isEmpty();
    }

    @Test
    void createsTheContainerExecsTheCommandAndReleasesEverythingBeforeExitCompletes() throws Exception {
        host.execResponder = argv -> FakeProcess.exits(0, "hello\n", "");

        Job job = launch(JobSpec.shell("s1", "busybox", "echo hello", Map.of("GREETING", "hi"), null));
        ExecExit exit = exitOf(job);

        assertThat(exit).isEqualTo(ExecExit.exited(0));
        assertThat(output()).containsExactly("STDOUT:hello");
        assertThat(sandboxesDir().resolve("s1")).doesNotExist();
        assertThat(host.mounted("/s1/")).isFalse();
        assertThat(host.launcher.started()).anySatisfy(argv -> assertThat(argv).startsWith("mkfs.ext4"));
        assertThat(host.launcher.started()).anySatisfy(argv -> assertThat(argv).containsSubsequence(
                "mount", "-t", "ext4", "-o", "loop,nosuid,nodev,noinit_itable"));
        assertThat(host.launcher.started()).anySatisfy(argv -> assertThat(argv).containsSubsequence(
                "mount", "-t", "overlay", "-o"));
        assertThat(started("run")).as("runc run --detach: create and start in one runtime process").hasSize(1);
        assertThat(started("start")).isEmpty();
        assertThat(started("exec")).as("the init's standby shell runs the first command: no runc exec").isEmpty();
        assertThat(host.handed.get("s1")).isEqualTo("unset SHLVL OLDPWD\nexport GREETING='hi'\n"
                + "exec 'sh' '-c' 'echo hello' </dev/null\n");
    }

    @Test
    void aCommandTheStandbyCannotExpressGetsARuncExecUnderTheReportingShellWithItsEnvironment() throws Exception {
        host.execResponder = argv -> FakeProcess.exits(0, "hello\n", "");

        Job job = launch(new JobSpec("s1", "busybox", List.of("/bin/echo", "hello"), Map.of("GREETING", "hi"), null,
                SandboxLimits.DEFAULT, NetworkMode.NONE));

        assertThat(exitOf(job)).isEqualTo(ExecExit.exited(0));
        assertThat(output()).containsExactly("STDOUT:hello");
        assertThat(host.handed.get("s1")).as("the standby was dismissed with nothing").isEmpty();
        assertThat(started("exec")).singleElement().satisfies(argv -> assertThat(argv).endsWith(
                "exec", "--detach", "--process", sandboxesDir().resolve("s1/exec-1.json").toString(),
                "--pid-file", sandboxesDir().resolve("s1/exec-1.pid").toString(), "--preserve-fds", "1", "s1"));
        assertThat(host.execProcesses.get("s1")).contains("\"mags-exec\",\"/root\",\"/bin/echo\",\"hello\"]")
                .contains("\"cwd\":\"/\"").contains("\"GREETING=hi\"").contains("\"HOME=/root\"")
                .contains("\"terminal\":false");
        assertThat(sandboxesDir().resolve("s1")).doesNotExist();
    }

    @Test
    void aSecondCommandGoesToTheExecServerElseARuncExecAndTheSandboxStaysAfterIt() throws Exception {
        host.execResponder = argv -> FakeProcess.exits(argv.contains("standby") ? 0 : 5, "", "");
        Sandbox sandbox = agent.create(sandbox("s1", "busybox"));

        assertThat(sandbox.exec(ExecSpec.shell("true", Map.of(), null), listener, CommandGate.OPEN).exit()
                .get(10, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        assertThat(sandbox.exec(ExecSpec.shell("exit 5", Map.of(), null), listener, CommandGate.OPEN).exit()
                .get(10, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(5));

        // The exec server is started first (exec-0); this fake runtime fails it, so the command gets an exec of its own.
        assertThat(started("exec")).hasSize(2);
        assertThat(started("exec").get(0)).anySatisfy(arg -> assertThat(arg).endsWith("/s1/exec-0.json"));
        assertThat(started("exec").get(1)).anySatisfy(arg -> assertThat(arg).endsWith("/s1/exec-2.json"));
        assertThat(sandboxesDir().resolve("s1")).isDirectory();
        assertThat(agent.sandboxes()).singleElement().satisfies(i -> assertThat(i.id()).isEqualTo(SandboxId.of("s1")));
        SandboxEnd end = sandbox.stop(Duration.ZERO, false).get(10, TimeUnit.SECONDS);
        assertThat(end.reason()).isEqualTo(ExitReason.STOPPED);
        assertThat(sandboxesDir().resolve("s1")).doesNotExist();
        assertThat(agent.sandbox(SandboxId.of("s1"))).isEmpty();
    }

    @Test
    void aDiskMountFailureIsARootfsFailureAndLeavesNothing() throws Exception {
        host.mountResult = FakeProcess.exits(32, "", "mount: /dev/loop9: failed to setup loop device");

        assertThatThrownBy(() -> agent.create(sandbox("s1", "busybox")))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.ROOTFS_FAILED))
                .hasMessageContaining("failed to setup loop device");
        assertThat(sandboxDirs()).isEmpty();
        assertThat(started("run")).isEmpty();
    }

    @Test
    void aCreateFailureIsARuntimeFailureAndLeavesNothing() throws Exception {
        host.createResult = FakeProcess.exits(1, "", "");

        assertThatThrownBy(() -> agent.create(sandbox("s1", "busybox")))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.RUNTIME_FAILED))
                .hasMessageContaining("could not start sandbox s1");
        assertThat(sandboxDirs()).isEmpty();
        assertThat(host.mounted("/s1/")).isFalse();
        assertThat(started("exec")).isEmpty();
    }

    @Test
    void aContainerOutsideTheUserNamespaceMadeForItIsNotStarted() throws Exception {
        host.joinsTheUserNamespace = false; // as if the holder had died and its pid gone to another process

        assertThatThrownBy(() -> agent.create(sandbox("s1", "busybox")))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.RUNTIME_FAILED))
                .hasMessageContaining("sandbox s1 is not in the user namespace made for it");
        assertThat(sandboxDirs()).isEmpty();
        assertThat(host.mounted("/s1/")).isFalse();
        assertThat(host.handed).as("no process was handed over").isEmpty();
    }

    @Test
    void aCommandTheRuntimeCannotStartIsARuntimeFailureAndItsTextIsNotOutput() throws Exception {
        host.execResponder = argv -> {
            FakeHost.writeRuntimeError(argv, "exec failed: exec: \\\"nope\\\": executable file not found in $PATH");
            return FakeProcess.exits(255, "", "exec failed: executable file not found\n");
        };

        Sandbox sandbox = agent.create(sandbox("s1", "busybox"));
        assertThatThrownBy(() -> sandbox.exec(new ExecSpec(List.of("nope"), Map.of(), null, false, null, null), listener,
                CommandGate.OPEN))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.RUNTIME_FAILED))
                .hasMessageContaining("executable file not found");
        assertThat(listener.lines()).isEmpty();
        sandbox.stop(Duration.ZERO, false).get(10, TimeUnit.SECONDS);
        assertThat(sandboxDirs()).isEmpty();
        assertThat(host.mounted("/s1/")).isFalse();
    }

    @Test
    void refusesASecondSandboxWithTheSameId() throws Exception {
        Job first = launch(spec("s1", "busybox"));

        assertThatThrownBy(() -> agent.create(sandbox("s1", "busybox")))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC))
                .hasMessageContaining("already running");
        first.stop(Duration.ofMillis(10));
        assertThat(exitOf(first).reason()).isEqualTo(ExitReason.STOPPED);
    }

    @Test
    void refusesALeftoverDirectoryWithoutDeletingIt() throws Exception {
        Files.createDirectories(sandboxesDir().resolve("s1/upper"));

        assertThatThrownBy(() -> agent.create(sandbox("s1", "busybox")))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC))
                .hasMessageContaining("reconcile");
        assertThat(sandboxesDir().resolve("s1/upper")).isDirectory();
    }

    @Test
    void stopEndsTheCommandAndTheContainerAndIsIdempotent() throws Exception {
        Job job = launch(spec("s1", "busybox"));

        job.stop(Duration.ofMillis(20));
        job.stop(Duration.ofMillis(20));
        ExecExit exit = exitOf(job);

        assertThat(exit).isEqualTo(new ExecExit(137, ExitReason.STOPPED, "stopped"));
        assertThat(job.sandbox.ended().get(10, TimeUnit.SECONDS).reason()).isEqualTo(ExitReason.STOPPED);
        assertThat(sandboxDirs()).isEmpty();
        job.stop(Duration.ofMillis(20)).get(10, TimeUnit.SECONDS); // after the end: harmless
    }

    @Test
    void aTimeoutEndsTheCommand() throws Exception {
        Job job = launch(JobSpec.shell("s1", "busybox", "sleep 100", Map.of(), Duration.ofMillis(100)));

        assertThat(exitOf(job)).isEqualTo(new ExecExit(137, ExitReason.TIMED_OUT, "timed out after 100 ms"));
    }

    @Test
    void closeStopsEverythingAndRefusesNewSandboxes() throws Exception {
        Job job = launch(spec("s1", "busybox"));

        agent.close();

        assertThat(job.sandbox.ended()).isDone();
        assertThat(exitOf(job).reason()).isEqualTo(ExitReason.AGENT_SHUTDOWN);
        assertThatThrownBy(() -> agent.create(sandbox("s2", "busybox")))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.SHUTTING_DOWN));
    }

    @Test
    void sandboxFilesAndRuntimeStateLiveOnTmpfsMountsThatCloseTakesAway() throws Exception {
        Path sandboxes = host.config().sandboxesDir().toRealPath();
        Path runtime = host.config().runtimeRoot().toRealPath();
        assertThat(Files.readString(host.mountInfo)).contains(" " + sandboxes + " rw - tmpfs ")
                .contains(" " + runtime + " rw - tmpfs ");
        Job job = launch(spec("s1", "busybox"));
        assertThat(host.config().sandboxDisksDir().resolve("s1.img")).as("the disk image stays off the tmpfs").exists();

        agent.close();

        assertThat(job.sandbox.ended()).isDone();
        assertThat(host.config().sandboxDisksDir().resolve("s1.img")).doesNotExist();
        assertThat(Files.readString(host.mountInfo)).doesNotContain("tmpfs");
    }

    @Test
    void aTimeoutMustBePositive() {
        Sandbox sandbox = agent.create(sandbox("s1", "busybox"));
        assertThatThrownBy(() -> sandbox.exec(ExecSpec.shell("true", Map.of(), Duration.ZERO), listener, CommandGate.OPEN))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_SPEC))
                .hasMessageContaining("timeout");
    }

    @Test
    void listsBuiltImages() {
        assertThat(agent.images()).extracting(i -> i.name()).containsExactly("busybox");
        assertThat(agent.image("busybox")).isPresent();
    }

    @Test
    void aJobOfAWarmShapeTakesAPooledContainerAndThePoolRefills() throws Exception {
        agent.close();
        agent = agent(WarmPoolConfig.of("busybox", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.warmPool().ready(DEFAULT_SHAPE) == 1);
        assertThat(started("run")).hasSize(1);
        host.execResponder = argv -> FakeProcess.exits(0, "warm\n", "");

        String pooled = host.inits.keySet().iterator().next();
        String config = Files.readString(sandboxesDir().resolve(pooled).resolve("bundle/config.json"));

        Job job = launch(new JobSpec("job-1", "busybox", List.of("sh", "-c", "echo 'it''s'"), Map.of("TOKEN", "a b'c"),
                null, SandboxLimits.DEFAULT, NetworkMode.NONE));
        String containerId = ((LocalSandbox) job.sandbox).container().id();

        assertThat(containerId).isEqualTo(pooled);
        assertThat(Files.readString(sandboxesDir().resolve(pooled).resolve("sandbox-id"))).isEqualTo("job-1\n");
        assertThat(config).as("the container's config holds no job data").contains("mags-standby").doesNotContain("TOKEN");
        assertThat(exitOf(job)).isEqualTo(ExecExit.exited(0));
        assertThat(output()).containsExactly("STDOUT:warm");
        assertThat(host.handed.get(pooled)).as("the job goes to the standby shell through its FIFO")
                .isEqualTo("unset SHLVL OLDPWD\nexport TOKEN='a b'\\''c'\n"
                        + "exec 'sh' '-c' 'echo '\\''it'\\'''\\''s'\\''' </dev/null\n");
        assertThat(started("exec")).as("no runc exec for the job").isEmpty();
        assertThat(sandboxesDir().resolve(containerId)).doesNotExist();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.warmPool().ready(DEFAULT_SHAPE) == 1);
        assertThat(started("run")).hasSize(2);
    }

    @Test
    void aJobOfAnotherShapeGetsAContainerOfItsOwn() throws Exception {
        agent.close();
        agent = agent(WarmPoolConfig.of("busybox", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.warmPool().ready(DEFAULT_SHAPE) == 1);
        host.execResponder = argv -> FakeProcess.exits(0, "", "");
        SandboxLimits small = new SandboxLimits(64 * SandboxLimits.MIB, 500, 128 * SandboxLimits.MIB, 64);

        Job job = launch(new JobSpec("job-1", "busybox", List.of("true"), Map.of(), null, small, NetworkMode.NONE));

        assertThat(((LocalSandbox) job.sandbox).container().id()).isEqualTo("job-1");
        assertThat(exitOf(job)).isEqualTo(ExecExit.exited(0));
        assertThat(agent.warmPool().ready(DEFAULT_SHAPE)).isEqualTo(1);
    }

    @Test
    void aPooledContainerWhoseInitDiedIsDiscardedNotHandedOut() throws Exception {
        agent.close();
        agent = agent(WarmPoolConfig.of("busybox", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.warmPool().ready(DEFAULT_SHAPE) == 1);
        String pooled = host.inits.keySet().iterator().next();
        host.inits.get(pooled).destroyForcibly().onExit().get(10, TimeUnit.SECONDS);
        host.execResponder = argv -> FakeProcess.exits(0, "", "");

        Job job = launch(spec("job-1", "busybox"));

        assertThat(((LocalSandbox) job.sandbox).container().id()).isEqualTo("job-1");
        assertThat(exitOf(job)).isEqualTo(ExecExit.exited(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(sandboxesDir().resolve(pooled)));
    }

    @Test
    void aPooledContainerThatDiesBeforeItsFirstCommandEndsItsSandboxAndTheCommandIsNotStarted() throws Exception {
        agent.close();
        agent = agent(WarmPoolConfig.of("busybox", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.warmPool().ready(DEFAULT_SHAPE) == 1);
        String pooled = host.inits.keySet().iterator().next();
        Sandbox sandbox = agent.create(sandbox("job-1", "busybox"));
        host.execResponder = argv -> {
            host.inits.get(pooled).destroyForcibly().onExit().join();
            FakeHost.writeRuntimeError(argv, "nsexec-1: failed to open /proc/1/ns/ipc: No such file or directory");
            return FakeProcess.exits(255, "", "");
        };
        int[] gates = {0};

        // A variable name the standby shell cannot export: the command gets a runc exec of its own.
        assertThatThrownBy(() -> sandbox.exec(new ExecSpec(List.of("true"), Map.of("NOT-AN-IDENTIFIER", "x"), null, false,
                null, null), listener, () -> gates[0]++))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.NOT_FOUND));

        assertThat(gates[0]).as("the gate ran before the runtime was asked").isEqualTo(1);
        assertThat(host.handed.get(pooled)).as("the unused standby was dismissed with nothing").isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.ended().isDone());
        assertThat(sandbox.ended().get().reason()).isEqualTo(ExitReason.FAILED);
        assertThat(sandboxesDir().resolve(pooled)).doesNotExist();
    }

    @Test
    void closeReleasesThePool() throws Exception {
        agent.close();
        agent = agent(WarmPoolConfig.of("busybox", 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.warmPool().ready(DEFAULT_SHAPE) == 2);

        agent.close();

        assertThat(sandboxDirs()).isEmpty();
        assertThat(host.liveProcesses()).isEmpty();
    }

    @Test
    void reconcileSparesThePoolAndKeepsAPoolMemberByItsJobsSandboxId() throws Exception {
        agent.close();
        agent = agent(WarmPoolConfig.of("busybox", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.warmPool().ready(DEFAULT_SHAPE) == 1);
        Job job = launch(spec("job-1", "busybox"));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.warmPool().ready(DEFAULT_SHAPE) == 1);

        assertThat(agent.reconcile(java.util.Set.of()).reaped()).isEmpty();
        assertThat(sandboxDirs()).hasSize(2);
        job.stop(Duration.ZERO);
        exitOf(job);
    }
}
