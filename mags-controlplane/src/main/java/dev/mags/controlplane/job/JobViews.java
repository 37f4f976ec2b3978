package dev.mags.controlplane.job;

import dev.mags.api.JobInfo;
import dev.mags.controlplane.state.JobRecord;

/** Turns state-store rows into API views. */
final class JobViews {
    private JobViews() {}

    static JobInfo info(JobRecord j) {
        return new JobInfo(j.id(), j.name(), j.status(), j.script(), j.type(), j.image(), j.exitCode(),
                j.errorMessage(), j.createdAt(), j.startedAt(), j.finishedAt(), j.workspaceId(),
                j.persistent() ? j.noSleep() : null, j.startupCommand());
    }
}
