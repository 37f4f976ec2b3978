package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The spec's limits, enforced by the kernel and reported as such: memory (OOM kill), processes
 * (refused forks), disk (ENOSPC on the loop-mounted upper layer), CPU (CFS quota). Needs root.
 */
class SandboxLimitsIT {
    private static final long MIB = SandboxLimits.MIB;
    private static ItHost host;
    private static LocalAgent agent;

    @BeforeAll
    static void setUp() throws Exception {
        host = ItHost.create();
        agent = host.agent();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @AfterEach
    void nothingLeftBehind() {
        assertThat(HostLeaks.scan(host.config)).isEmpty();
    }

    static JobSpec spec(String name, String script, SandboxLimits limits) {
        return new JobSpec(ItHost.uniqueId(name), "busybox", List.of("sh", "-c", script), Map.of(),
                Duration.ofMinutes(2), limits, NetworkMode.NONE);
    }

    static SandboxLimits limits(long memoryBytes, long cpuMillis, long diskBytes, long pids) {
        return new SandboxLimits(memoryBytes, cpuMillis, diskBytes, pids);
    }

    private static ExecExit run(JobSpec spec, RecordingListener output) throws Exception {
        return Job.launch(agent, spec, output).exit().get(120, TimeUnit.SECONDS);
    }

    @Test
    void aMemoryHogIsKilledAndReportedAsOutOfMemory() throws Exception {
        // busybox tail keeps a line without newlines in memory: 500 MB of zeros do not fit in 64 MiB.
        ExecExit exit = run(spec("oom", "head -c 524288000 /dev/zero | tail > /dev/null",
                limits(64 * MIB, 1000, 256 * MIB, 256)), new RecordingListener());

        assertThat(exit).isEqualTo(new ExecExit(137, ExitReason.OUT_OF_MEMORY, "out of memory (limit 64 MiB)"));
    }

    @Test
    void memoryWithinTheLimitIsFine() throws Exception {
        RecordingListener output = new RecordingListener();
        ExecExit exit = run(spec("mem-ok", "head -c 20000000 /dev/zero | tail | wc -c",
                limits(64 * MIB, 1000, 256 * MIB, 256)), output);

        assertThat(exit).isEqualTo(ExecExit.exited(0));
        assertThat(output.stdout()).containsExactly("20000000");
    }

    @Test
    void aForkLoopStopsAtThePidsLimitAndIsReportedAsSuch() throws Exception {
        RecordingListener output = new RecordingListener();
        long started = System.nanoTime();
        ExecExit exit = run(spec("pids", "for i in $(seq 1 5000); do sleep 3031 & done; echo all-forked",
                limits(256 * MIB, 1000, 256 * MIB, 64)), output);

        assertThat(exit.reason()).isEqualTo(ExitReason.PIDS_LIMIT);
        assertThat(exit.detail()).isEqualTo("process limit reached (limit 64)");
        assertThat(exit.exitCode()).isNotZero();
        assertThat(output.stdout()).doesNotContain("all-forked");
        assertThat(output.stderr()).anySatisfy(l -> assertThat(l).contains("can't fork"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
        assertThat(LocalAgentIT.processesWithCommandLine("sleep 3031")).as("the background sleeps died with the sandbox")
                .isEmpty();
    }

    @Test
    void writingPastTheDiskLimitFailsWithEnospcAndIsReportedAsDiskFull() throws Exception {
        RecordingListener output = new RecordingListener();
        ExecExit exit = run(spec("disk", "dd if=/dev/zero of=/root/big bs=1M count=300",
                limits(256 * MIB, 1000, 128 * MIB, 256)), output);

        assertThat(exit).isEqualTo(new ExecExit(1, ExitReason.DISK_FULL, "disk full (limit 128 MiB)"));
        assertThat(output.stderr()).anySatisfy(l -> assertThat(l).contains("No space left on device"));
    }

    @Test
    void aFullDiskThatTheJobSurvivesIsNoFailure() throws Exception {
        RecordingListener output = new RecordingListener();
        ExecExit exit = run(spec("disk-ok", "dd if=/dev/zero of=/root/big bs=1M count=300 2>/dev/null; rm /root/big; echo fine",
                limits(256 * MIB, 1000, 128 * MIB, 256)), output);

        assertThat(exit).isEqualTo(ExecExit.exited(0));
        assertThat(output.stdout()).containsExactly("fine");
    }

    @Test
    void aBusyLoopGetsItsCpuQuota() throws Exception {
        RecordingListener output = new RecordingListener();
        Job sandbox = Job.launch(agent, spec("cpu", "echo ready; while :; do :; done",
                limits(256 * MIB, 200, 256 * MIB, 256)), output);
        LocalAgentIT.awaitLine(output, "ready");
        Path usage = Path.of("/sys/fs/cgroup/cpuacct", host.config.cgroupParent(), sandbox.containerId(), "cpuacct.usage");

        long cpuBefore = Long.parseLong(Files.readString(usage).strip());
        long wallBefore = System.nanoTime();
        Thread.sleep(2000);
        long cpu = Long.parseLong(Files.readString(usage).strip()) - cpuBefore;
        long wall = System.nanoTime() - wallBefore;
        sandbox.stop(Duration.ZERO);

        double share = (double) cpu / wall;
        System.out.printf("a busy loop under 200 millicores used %.1f%% of a core%n", share * 100);
        assertThat(share).isBetween(0.05, 0.5);
        assertThat(sandbox.exit().get(30, TimeUnit.SECONDS).reason()).isEqualTo(ExitReason.STOPPED);
    }

    @Test
    void aSandboxsEndReportsTheCpuTimeAndPeakMemoryItsCgroupsCounted() throws Exception {
        RecordingListener output = new RecordingListener();
        Job sandbox = Job.launch(agent, spec("use", "head -c 40000000 /dev/zero | tail | wc -c; "
                + "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; echo $i", limits(256 * MIB, 1000, 256 * MIB, 256)),
                output);

        assertThat(sandbox.finished().get(60, TimeUnit.SECONDS)).isEqualTo(ExecExit.exited(0));
        dev.mags.protocol.v2.SandboxEnd end = sandbox.stop(Duration.ZERO).get(60, TimeUnit.SECONDS);

        assertThat(output.stdout()).containsExactly("40000000", "100000");
        assertThat(end.use().memoryPeakBytes()).as("tail held the 40 MB line").isGreaterThan(40_000_000L);
        assertThat(end.use().cpuMicros()).as("100,000 rounds of a shell loop take CPU time").isGreaterThan(10_000L);
    }
}
