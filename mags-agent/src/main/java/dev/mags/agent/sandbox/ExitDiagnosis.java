package dev.mags.agent.sandbox;

import dev.mags.agent.cgroup.LimitEvents;
import dev.mags.protocol.v1.ExitReason;
import dev.mags.protocol.v1.SandboxExit;
import dev.mags.protocol.v1.SandboxLimits;

/**
 * Tells a job that failed because it hit a limit from one that failed by itself. Only a failed job
 * (non-zero exit) is blamed on a limit: a script may survive one of its children being OOM-killed or
 * a fork being refused, and then its own exit code is the truth. In order of certainty:
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
     * @param exitCode the job's command's exit code
     * @param diskUsableBytes free bytes on the sandbox's disk at the end
     */
    static SandboxExit diagnose(int exitCode, SandboxLimits limits, LimitEvents events, long diskUsableBytes) {
        if (exitCode == 0) {
            return SandboxExit.exited(0);
        }
        if (events.oomKills() > 0) {
            return new SandboxExit(exitCode, ExitReason.OUT_OF_MEMORY,
                    "out of memory (limit " + ByteSizes.binary(limits.memoryBytes()) + ")");
        }
        if (events.pidsLimitHits() > 0) {
            return new SandboxExit(exitCode, ExitReason.PIDS_LIMIT, "process limit reached (limit " + limits.pids() + ")");
        }
        if (diskUsableBytes < FULL_MARGIN_BYTES) {
            return new SandboxExit(exitCode, ExitReason.DISK_FULL, "disk full (limit " + ByteSizes.disk(limits.diskBytes()) + ")");
        }
        return SandboxExit.exited(exitCode);
    }
}
