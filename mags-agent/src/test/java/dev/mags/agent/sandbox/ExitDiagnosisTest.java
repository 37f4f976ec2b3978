package dev.mags.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.cgroup.LimitEvents;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.SandboxLimits;
import org.junit.jupiter.api.Test;

class ExitDiagnosisTest {
    private static final long MIB = SandboxLimits.MIB;
    private static final long ROOMY = 500 * MIB;

    @Test
    void anOomKillIsOutOfMemoryNamingTheLimit() {
        assertThat(ExitDiagnosis.diagnose(137, SandboxLimits.DEFAULT, new LimitEvents(1, 0), ROOMY))
                .isEqualTo(new ExecExit(137, ExitReason.OUT_OF_MEMORY, "out of memory (limit 1 GiB)"));
        SandboxLimits small = new SandboxLimits(64 * MIB, 1000, 128 * MIB, 64);
        assertThat(ExitDiagnosis.diagnose(1, small, new LimitEvents(3, 5), 0))
                .as("the OOM killer is the surest sign")
                .isEqualTo(new ExecExit(1, ExitReason.OUT_OF_MEMORY, "out of memory (limit 64 MiB)"));
    }

    @Test
    void refusedForksArePidsLimit() {
        assertThat(ExitDiagnosis.diagnose(2, SandboxLimits.DEFAULT, new LimitEvents(0, 1), ROOMY))
                .isEqualTo(new ExecExit(2, ExitReason.PIDS_LIMIT, "process limit reached (limit 256)"));
    }

    @Test
    void aFullDiskIsDiskFullInTheUnitUsersAskFor() {
        assertThat(ExitDiagnosis.diagnose(1, SandboxLimits.DEFAULT, LimitEvents.NONE, 800 * 1024))
                .isEqualTo(new ExecExit(1, ExitReason.DISK_FULL, "disk full (limit 2 GB)"));
        SandboxLimits small = new SandboxLimits(64 * MIB, 1000, 128 * MIB, 64);
        assertThat(ExitDiagnosis.diagnose(1, small, LimitEvents.NONE, 0).detail()).isEqualTo("disk full (limit 128 MiB)");
    }

    @Test
    void aJobThatSucceedsIsNeverBlamedOnALimit() {
        assertThat(ExitDiagnosis.diagnose(0, SandboxLimits.DEFAULT, new LimitEvents(1, 1), 0))
                .isEqualTo(ExecExit.exited(0));
    }

    @Test
    void aFailureWithNoLimitHitIsTheJobsOwn() {
        assertThat(ExitDiagnosis.diagnose(137, SandboxLimits.DEFAULT, LimitEvents.NONE, ROOMY))
                .isEqualTo(ExecExit.exited(137));
        assertThat(ExitDiagnosis.diagnose(3, SandboxLimits.DEFAULT, LimitEvents.NONE, 3 * MIB))
                .isEqualTo(ExecExit.exited(3));
    }

    @Test
    void byteSizesReadNaturally() {
        assertThat(ByteSizes.binary(SandboxLimits.GIB)).isEqualTo("1 GiB");
        assertThat(ByteSizes.binary(64 * MIB)).isEqualTo("64 MiB");
        assertThat(ByteSizes.binary(1536 * MIB)).isEqualTo("1.5 GiB");
        assertThat(ByteSizes.binary(512 * 1024)).isEqualTo("512 KiB");
        assertThat(ByteSizes.binary(100)).isEqualTo("100 bytes");
        assertThat(ByteSizes.disk(2 * SandboxLimits.GIB)).isEqualTo("2 GB");
        assertThat(ByteSizes.disk(300 * MIB)).isEqualTo("300 MiB");
    }
}
