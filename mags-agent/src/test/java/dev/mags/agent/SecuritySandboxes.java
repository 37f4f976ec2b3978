package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.image.ImageBuilder;
import dev.mags.agent.image.ImageStore;
import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.ProcessLauncher;
import dev.mags.agent.security.FileCapabilities;
import dev.mags.agent.security.IdShift;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * An {@link ItHost} with the escape test image ({@link EscapeImageRecipe}), built and shifted as
 * {@code magsd image build} would, and helpers to run scripts in it.
 */
final class SecuritySandboxes implements AutoCloseable {
    static final String IMAGE = "escape";

    final ItHost host;
    final LocalAgent agent;
    final boolean hasProbe;

    private SecuritySandboxes(ItHost host) {
        this.host = host;
        this.agent = host.agent();
        this.hasProbe = Files.exists(imageRootfs().resolve(EscapeImageRecipe.PROBE.substring(1)));
    }

    static SecuritySandboxes create() throws IOException {
        return create(UnaryOperator.identity());
    }

    /** As {@link #create()}, with the agent's configuration changed by {@code adjust}. */
    static SecuritySandboxes create(UnaryOperator<AgentConfig> adjust) throws IOException {
        ItHost host = ItHost.create(adjust);
        IdShift shift = new IdShift(host.config.idMapping(), new FileCapabilities(new CommandRunner(ProcessLauncher.system())));
        new ImageBuilder(new ImageStore(host.config.imagesDir()), Map.of(IMAGE, new EscapeImageRecipe()), shift)
                .build(IMAGE, new PrintStream(System.out, true));
        return new SecuritySandboxes(host);
    }

    record Run(String id, ExecExit exit, List<String> stdout, List<String> stderr) {
        Integer exitCode() {
            return exit.exitCode();
        }
    }

    record Started(String id, Job sandbox, RecordingListener output) {}

    Path imageRootfs() {
        return host.config.imagesDir().resolve(IMAGE).resolve("rootfs");
    }

    /** The host side of a running sandbox's writable layer. */
    Path upper(String sandboxId) {
        return dev.mags.agent.sandbox.SandboxPaths.of(host.config.sandboxesDir(), host.config.sandboxDisksDir(), sandboxId).upper();
    }

    Run run(String script) throws Exception {
        String id = ItHost.uniqueId("sec");
        RecordingListener output = new RecordingListener();
        ExecExit exit = Job.launch(agent, JobSpec.shell(id, IMAGE, script, Map.of(), Duration.ofSeconds(60)),
                output).exit().get(90, TimeUnit.SECONDS);
        return new Run(id, exit, output.stdout(), output.stderr());
    }

    /** Starts {@code script} and returns once it printed the line {@code ready}. */
    Started start(String script) throws InterruptedException {
        return start(script, SandboxLimits.DEFAULT);
    }

    /** Starts {@code script} in a sandbox with {@code limits} and returns once it printed the line {@code ready}. */
    Started start(String script, SandboxLimits limits) throws InterruptedException {
        String id = ItHost.uniqueId("sec");
        RecordingListener output = new RecordingListener();
        Job sandbox = Job.launch(agent, new JobSpec(id, IMAGE, List.of("sh", "-c", script), Map.of(),
                Duration.ofSeconds(60), limits, NetworkMode.NONE), output);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!output.stdout().contains("ready")) {
            if (System.nanoTime() > deadline || sandbox.exit().isDone()) {
                throw new AssertionError("sandbox " + id + " never printed 'ready'; got " + output.lines());
            }
            Thread.sleep(10);
        }
        return new Started(id, sandbox, output);
    }

    static void stop(Started started) throws Exception {
        started.sandbox().stop(Duration.ZERO);
        started.sandbox().exit().get(30, TimeUnit.SECONDS);
    }

    /** Host pids of the sandbox's processes, from its pids cgroup. */
    List<Long> hostPids(String sandboxId) throws IOException {
        Path procs = Path.of("/sys/fs/cgroup/pids", host.config.cgroupParent(), sandboxId, "cgroup.procs");
        List<Long> pids = Files.readAllLines(procs).stream().map(Long::parseLong).toList();
        assertThat(pids).isNotEmpty();
        return pids;
    }

    /**
     * A kernel file of the host, read in one call: a sysctl under /proc/sys answers only the first read
     * ({@code Files.readString} reads a file of size 0 a byte at a time and gets one character).
     */
    static String kernelFile(String path) throws IOException {
        try (java.io.InputStream in = new java.io.FileInputStream(path)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        }
    }

    @Override
    public void close() throws IOException {
        host.close();
    }
}
