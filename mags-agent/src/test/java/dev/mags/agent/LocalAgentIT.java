package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real runc, real overlayfs and loop-mounted disks, the busybox image. Needs root. The agent keeps a
 * warm pool of the default shape, so these jobs take pool members (the path of most jobs in production).
 */
class LocalAgentIT {
    private static final int POOL_SIZE = 2;
    @RegisterExtension
    static final PooledAgent POOLED = new PooledAgent(POOL_SIZE);

    private record Run(ExecExit exit, RecordingListener output) {}

    private static Run run(String script) throws Exception {
        return run(JobSpec.shell(ItHost.uniqueId("run"), "busybox", script, Map.of(), null));
    }

    private static Run run(JobSpec spec) throws Exception {
        RecordingListener output = new RecordingListener();
        ExecExit exit = Job.launch(POOLED.agent(), spec, output).exit().get(60, TimeUnit.SECONDS);
        return new Run(exit, output);
    }

    @Test
    void echoPrintsOnStdout() throws Exception {
        Run run = run("echo hello");

        assertThat(run.exit()).isEqualTo(ExecExit.exited(0));
        assertThat(run.output().stdout()).containsExactly("hello");
        assertThat(run.output().stderr()).isEmpty();
    }

    @Test
    void stderrIsSeparate() throws Exception {
        Run run = run("echo out; echo err >&2; printf 'no newline at the end'");

        assertThat(run.output().stdout()).containsExactly("out", "no newline at the end");
        assertThat(run.output().stderr()).containsExactly("err");
    }

    @Test
    void theExitCodeIsPropagated() throws Exception {
        assertThat(run("exit 3").exit()).isEqualTo(ExecExit.exited(3));
    }

    @Test
    void linesArriveAsTheyAreWritten() throws Exception {
        Run run = run("echo a; sleep 2; echo b");

        List<RecordingListener.Line> lines = run.output().lines();
        assertThat(lines).extracting(RecordingListener.Line::text).containsExactly("a", "b");
        Duration gap = Duration.between(lines.get(0).timestamp(), lines.get(1).timestamp());
        assertThat(gap).isBetween(Duration.ofMillis(1500), Duration.ofMillis(4000));
    }

    @Test
    void theHostnameIsMagsVm() throws Exception {
        Run run = run("hostname; cat /etc/hostname; grep -c mags-vm /etc/hosts");

        assertThat(run.output().stdout()).containsExactly("mags-vm", "mags-vm", "1");
    }

    @Test
    void startsInRootsHome() throws Exception {
        Run run = run("pwd; echo $HOME; id -u");

        assertThat(run.output().stdout()).containsExactly("/root", "/root", "0");
    }

    @Test
    void theEnvironmentIsPassedAndOverridesDefaults() throws Exception {
        Run run = run(JobSpec.shell(ItHost.uniqueId("env"), "busybox", "echo \"$GREETING\"; echo $LANG; echo $PATH",
                Map.of("GREETING", "hello world", "LANG", "en_US.UTF-8"), null));

        assertThat(run.output().stdout())
                .containsExactly("hello world", "en_US.UTF-8", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    }

    @Test
    void aTimeoutKillsTheSandbox() throws Exception {
        Instant start = Instant.now();
        Run run = run(JobSpec.shell(ItHost.uniqueId("timeout"), "busybox", "echo started; sleep 30", Map.of(),
                Duration.ofSeconds(1)));

        // SIGTERM ends the shell, which does not handle it: 128 + 15.
        assertThat(run.exit()).isEqualTo(new ExecExit(143, ExitReason.TIMED_OUT, "timed out after 1 s"));
        assertThat(run.output().stdout()).containsExactly("started");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void stopLetsTheProcessHandleSigterm() throws Exception {
        RecordingListener output = new RecordingListener();
        Job sandbox = Job.launch(POOLED.agent(), JobSpec.shell(ItHost.uniqueId("stop"), "busybox",
                "trap 'echo got TERM; exit 42' TERM; echo ready; while true; do sleep 0.1; done", Map.of(), null), output);
        awaitLine(output, "ready");

        sandbox.stop(Duration.ofSeconds(10));
        sandbox.stop(Duration.ofSeconds(10));

        assertThat(sandbox.exit().get(30, TimeUnit.SECONDS)).isEqualTo(new ExecExit(42, ExitReason.STOPPED, "stopped"));
        assertThat(output.stdout()).containsExactly("ready", "got TERM");
        sandbox.stop(Duration.ofSeconds(1));
    }

    @Test
    void stopKillsAProcessThatIgnoresSigterm() throws Exception {
        RecordingListener output = new RecordingListener();
        Job sandbox = Job.launch(POOLED.agent(), JobSpec.shell(ItHost.uniqueId("stopkill"), "busybox",
                "trap '' TERM; echo ready; sleep 30", Map.of(), null), output);
        awaitLine(output, "ready");

        sandbox.stop(Duration.ofMillis(200));

        assertThat(sandbox.exit().get(30, TimeUnit.SECONDS)).isEqualTo(new ExecExit(137, ExitReason.STOPPED, "stopped"));
    }

    @Test
    void backgroundProcessesDoNotOutliveTheMainProcess() throws Exception {
        Run run = run("sleep 987654 & echo started");

        assertThat(run.exit().exitCode()).isZero();
        assertThat(processesWithCommandLine("sleep 987654")).isEmpty();
    }

    @Test
    void writesStayInTheSandbox() throws Exception {
        Path imageRoot = POOLED.host().config.imagesDir().resolve("busybox/rootfs");
        String passwd = Files.readString(imageRoot.resolve("etc/passwd"));

        Run first = run("echo changed > /etc/passwd && touch /new-file && rm /bin/ls && cat /etc/passwd");
        Run second = run("cat /etc/passwd; ls /new-file; test -e /bin/ls && echo ls-is-back");

        assertThat(first.output().stdout()).containsExactly("changed");
        assertThat(imageRoot.resolve("etc/passwd")).hasContent(passwd.strip());
        assertThat(imageRoot.resolve("new-file")).doesNotExist();
        assertThat(imageRoot.resolve("bin/ls")).isSymbolicLink();
        assertThat(second.output().stdout()).containsSequence(passwd.strip().split("\n")).contains("ls-is-back");
        assertThat(second.output().stderr()).anySatisfy(l -> assertThat(l).contains("/new-file"));
    }

    @Test
    void theInitIgnoresWhatTheJobSendsToPid1AndReapsOrphans() throws Exception {
        Run run = run("kill -TERM 1; kill -INT 1; kill -HUP 1; kill -KILL 1; (sleep 0.1 &); sleep 0.5;"
                + " ps -o stat,comm | grep -c '^Z' ; kill -0 1 && echo init-alive");

        assertThat(run.exit()).isEqualTo(ExecExit.exited(0));
        assertThat(run.output().stdout()).containsExactly("0", "init-alive");
    }

    @Test
    void theInitComesFromTheHostAndNeedsNothingFromTheImage() throws Exception {
        Run run = run("cat /proc/1/cmdline | tr '\\0\\n' '  '; echo; awk '$5 == \"/.mags/busybox\" {print $6}' /proc/self/mountinfo");

        assertThat(run.output().stdout().get(0)).startsWith("/.mags/busybox sh -c ");
        assertThat(run.output().stdout().get(1)).startsWith("ro,");
    }

    @Test
    void theRootIsOnTheSandboxsOwnDisk() throws Exception {
        Run run = run("df -k / | tail -n 1");

        // SandboxLimits.DEFAULT: 2 GiB, less what ext4 itself takes.
        long kib = Long.parseLong(run.output().stdout().get(0).trim().split("\\s+")[1]);
        assertThat(kib).isBetween(1_900_000L, 2_097_152L);
    }

    @Test
    void theSandboxRunsInItsOwnCgroupWithTheSpecsLimits() throws Exception {
        String id = ItHost.uniqueId("cgroup");
        RecordingListener output = new RecordingListener();
        Job sandbox = Job.launch(POOLED.agent(), JobSpec.shell(id, "busybox", "echo ready; sleep 30", Map.of(),
                null), output);
        awaitLine(output, "ready");

        assertThat(sandbox.containerId()).as("a warm pool member").startsWith("warm-");
        Path pids = Path.of("/sys/fs/cgroup/pids", POOLED.host().config.cgroupParent(), sandbox.containerId());
        assertThat(pids.resolve("pids.max")).hasContent(Long.toString(SandboxLimits.DEFAULT.pids()));
        Path memory = Path.of("/sys/fs/cgroup/memory", POOLED.host().config.cgroupParent(), sandbox.containerId());
        assertThat(memory.resolve("memory.limit_in_bytes")).hasContent(Long.toString(SandboxLimits.GIB));
        if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) { // only with swap accounting
            assertThat(memory.resolve("memory.memsw.limit_in_bytes")).hasContent(Long.toString(SandboxLimits.GIB));
        }
        Path cpu = Path.of("/sys/fs/cgroup/cpu", POOLED.host().config.cgroupParent(), sandbox.containerId());
        assertThat(cpu.resolve("cpu.cfs_quota_us")).hasContent("100000");
        assertThat(Files.readString(pids.resolve("cgroup.procs")).lines()).isNotEmpty();

        sandbox.stop(Duration.ZERO);
        sandbox.exit().get(30, TimeUnit.SECONDS);
        assertThat(pids).doesNotExist();
    }

    @Test
    void theJobsEnvironmentStaysOffTheHostsProcessList() throws Exception {
        String secret = "s3cr3t-" + ItHost.uniqueId("env");
        RecordingListener output = new RecordingListener();
        Job sandbox = Job.launch(POOLED.agent(), JobSpec.shell(ItHost.uniqueId("secret"), "busybox",
                "echo \"$API_KEY\" | wc -c; echo ready; sleep 30", Map.of("API_KEY", secret), null), output);
        awaitLine(output, "ready");

        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            assertThat(procs.filter(p -> p.getFileName().toString().matches("\\d+")).map(LocalAgentIT::commandLineOf))
                    .noneSatisfy(cmdline -> assertThat(cmdline).contains(secret));
        }
        assertThat(output.stdout().get(0)).isEqualTo(Integer.toString(secret.length() + 1));
        sandbox.stop(Duration.ZERO);
        sandbox.exit().get(30, TimeUnit.SECONDS);
    }

    @Test
    void killingTheInitFromOutsideEndsTheSandboxAsAFailure() throws Exception {
        RecordingListener output = new RecordingListener();
        Job sandbox = Job.launch(POOLED.agent(), JobSpec.shell(ItHost.uniqueId("initkill"), "busybox",
                "echo ready; sleep 30", Map.of(), null), output);
        awaitLine(output, "ready");
        long init = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(POOLED.host().config.runtimeRoot().resolve(sandbox.containerId()).resolve("state.json").toFile())
                .path("init_process_pid").asLong();

        ProcessHandle.of(init).orElseThrow().destroyForcibly();

        ExecExit exit = sandbox.exit().get(30, TimeUnit.SECONDS);
        assertThat(exit.reason()).isEqualTo(ExitReason.FAILED);
        assertThat(exit.exitCode()).isEqualTo(137);
        assertThat(exit.detail()).contains("init process was killed from outside the sandbox");
    }

    @Test
    void aProgramThatDoesNotExistExitsWith127AndSaysSo() throws Exception {
        RecordingListener output = new RecordingListener();
        ExecExit exit = Job.launch(POOLED.agent(), new JobSpec(ItHost.uniqueId("nocmd"), "busybox", List.of("/no/such/program"),
                Map.of(), null, SandboxLimits.DEFAULT, NetworkMode.NONE), output).exit().get(30, TimeUnit.SECONDS);
        assertThat(exit).isEqualTo(ExecExit.exited(127));
        assertThat(output.stderr()).singleElement().satisfies(line -> assertThat(line).contains("/no/such/program"));
    }

    static void awaitLine(RecordingListener output, String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!output.stdout().contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line '" + line + "' within 30 s; got " + output.lines());
            }
            Thread.sleep(10);
        }
    }

    /** Pids of processes whose command line is exactly {@code commandLine} (arguments joined by spaces). */
    static List<Long> processesWithCommandLine(String commandLine) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> commandLineOf(p).equals(commandLine))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        }
    }

    static String commandLineOf(Path proc) {
        try {
            return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return ""; // the process ended while we looked
        }
    }
}
