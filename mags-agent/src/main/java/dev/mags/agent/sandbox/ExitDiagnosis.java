package dev.mags.agent.sandbox;

import dev.mags.agent.cgroup.LimitEvents;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.SandboxLimits;

/**
 * Tells a process that failed because its sandbox hit a limit from one that failed by itself. Only a failed
 * process (non-zero exit) is blamed on a limit, and only on what the kernel counted while it ran: a script may
 * survive one of its children being OOM-killed or a fork being refused, and then its own exit code is the truth. In order of certainty:
 * the OOM killer struck (the kernel says so), a fork was refused at the pids limit, the disk is full.
 */
final class ExitDiagnosis {
    /**
     * Free space below which a disk counts as full (at most 3% of the smallest disk): after ENOSPC
     * statfs still shows some space, what ext4 keeps back for its metadata and what a failed write left.
     */
    static final long FULL_MARGIN_BYTES = 2L * 1024 * 1024;

    private ExitDiagnosis() {}

    /**
     * @param exitCode the process's exit code
     * @param events what the kernel counted against the limits while it ran
     * @param diskUsableBytes free bytes on the sandbox's disk at the end
     */
    static ExecExit diagnose(int exitCode, SandboxLimits limits, LimitEvents events, long diskUsableBytes) {
        if (exitCode == 0) {
            return ExecExit.exited(0);
        }
        if (events.oomKills() > 0) {
            return new ExecExit(exitCode, ExitReason.OUT_OF_MEMORY,
                    "out of memory (limit " + ByteSizes.binary(limits.memoryBytes()) + ")");
        }
        if (events.pidsLimitHits() > 0) {
            return new ExecExit(exitCode, ExitReason.PIDS_LIMIT, "process limit reached (limit " + limits.pids() + ")");
        }
        if (diskUsableBytes < FULL_MARGIN_BYTES) {
            return new ExecExit(exitCode, ExitReason.DISK_FULL, "disk full (limit " + ByteSizes.disk(limits.diskBytes()) + ")");
        }
        return ExecExit.exited(exitCode);
    }
}
