package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.SandboxLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fifty sandboxes, a few at a time, that end every way a sandbox can end, with the warm pool on:
 * afterwards nothing is left on the host (containers, mounts, loop devices, cgroups, directories,
 * processes).
 */
class MixedSandboxesIT {
    private static final long MIB = SandboxLimits.MIB;
    private static final int POOL_SIZE = 2;
    private static final int RUNS = 49; // seven kinds, seven times
    private static final int AT_ONCE = 4;
    private static ItHost host;

    @BeforeAll
    static void setUp() throws Exception {
        host = ItHost.create();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    /** One way to end, with the exit reason it must be reported with. */
    private enum Kind {
        OK(ExitReason.EXITED), FAILING(ExitReason.EXITED), OOM(ExitReason.OUT_OF_MEMORY), PIDS(ExitReason.PIDS_LIMIT),
        DISK_FULL(ExitReason.DISK_FULL), STOPPED(ExitReason.STOPPED), TIMED_OUT(ExitReason.TIMED_OUT);

        final ExitReason reason;

        Kind(ExitReason reason) {
            this.reason = reason;
        }
    }

    private record Run(Kind kind, Job sandbox) {}

    private static JobSpec spec(Kind kind, int i) {
        String id = ItHost.uniqueId("mixed" + i);
        SandboxLimits small = new SandboxLimits(64 * MIB, 1000, 128 * MIB, 64);
        return switch (kind) {
            case OK -> JobSpec.shell(id, "busybox", "echo ok; sleep 3041 & echo bye", Map.of(), null);
            case FAILING -> JobSpec.shell(id, "busybox", "echo failing >&2; exit 3", Map.of(), null);
            case OOM -> new JobSpec(id, "busybox", List.of("sh", "-c", "head -c 524288000 /dev/zero | tail"),
                    Map.of(), null, small, NetworkMode.NONE);
            case PIDS -> new JobSpec(id, "busybox", List.of("sh", "-c", "for i in $(seq 1 500); do sleep 3042 & done"),
                    Map.of(), null, small, NetworkMode.NONE);
            case DISK_FULL -> new JobSpec(id, "busybox", List.of("sh", "-c", "dd if=/dev/zero of=/root/f bs=1M count=300"),
                    Map.of(), null, small, NetworkMode.NONE);
            case STOPPED -> JobSpec.shell(id, "busybox", "sleep 3043", Map.of(), null);
            case TIMED_OUT -> JobSpec.shell(id, "busybox", "sleep 3044", Map.of(), Duration.ofMillis(300));
        };
    }

    @Test
    void fiftyMixedEndingsWithTheWarmPoolLeaveNothingBehind() throws Exception {
        Kind[] kinds = Kind.values();
        try (LocalAgent agent = host.agent(WarmPoolConfig.of("busybox", POOL_SIZE))) {
            ItHost.awaitPool(agent, POOL_SIZE);
            for (int batch = 0; batch < RUNS; batch += AT_ONCE) {
                List<Run> runs = new ArrayList<>();
                for (int i = batch; i < Math.min(RUNS, batch + AT_ONCE); i++) {
                    Kind kind = kinds[i % kinds.length];
                    runs.add(new Run(kind, Job.launch(agent, spec(kind, i), new RecordingListener())));
                }
                runs.stream().filter(r -> r.kind() == Kind.STOPPED).forEach(r -> r.sandbox().stop(Duration.ofMillis(100)));
                for (Run run : runs) {
                    ExecExit exit = run.sandbox().exit().get(120, TimeUnit.SECONDS);
                    assertThat(exit.reason()).as(run.kind() + " " + exit).isEqualTo(run.kind().reason);
                    assertThat(exit.detail()).as(run.kind() + " " + exit).doesNotContain("cleanup incomplete");
                }
            }
            assertThat(host.leaksBesidesPool(agent, POOL_SIZE)).isEmpty();
        }
        assertThat(HostLeaks.scan(host.config)).isEmpty();
        for (String sleep : List.of("sleep 3041", "sleep 3042", "sleep 3043", "sleep 3044")) {
            assertThat(LocalAgentIT.processesWithCommandLine(sleep)).as(sleep).isEmpty();
        }
    }
}
