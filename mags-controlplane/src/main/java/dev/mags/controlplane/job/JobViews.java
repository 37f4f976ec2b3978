package dev.mags.controlplane.job;

import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.controlplane.state.JobRecord;
import java.time.Duration;
import java.time.Instant;

/** Turns state-store rows into API views. */
final class JobViews {
    /**
     * How long a job whose exit is stored is shown as running while its last output lines are being stored: the
     * replica that ran it clears the mark within milliseconds; one that crashed in between never does, and the
     * job's end is shown after this (its remaining lines were lost with that replica).
     */
    static final Duration OUTPUT_PENDING_AT_MOST = Duration.ofSeconds(5);

    private JobViews() {}

    static JobInfo info(JobRecord j) {
        return info(j, Instant.now());
    }

    static JobInfo info(JobRecord j, Instant now) {
        if (outputPending(j, now)) {
            // every reader, on every replica, sees the end only once the last line can be read
            return new JobInfo(j.id(), j.name(), JobStatus.RUNNING, j.script(), j.type(), j.image(), null, null,
                    j.createdAt(), j.startedAt(), null, j.workspaceId(), j.persistent() ? j.noSleep() : null,
                    j.startupCommand());
        }
        return new JobInfo(j.id(), j.name(), j.status(), j.script(), j.type(), j.image(), j.exitCode(),
                j.errorMessage(), j.createdAt(), j.startedAt(), j.finishedAt(), j.workspaceId(),
                j.persistent() ? j.noSleep() : null, j.startupCommand());
    }

    private static boolean outputPending(JobRecord j, Instant now) {
        return j.outputPending() && j.finishedAt() != null
                && j.finishedAt().plus(OUTPUT_PENDING_AT_MOST).isAfter(now);
    }
}
