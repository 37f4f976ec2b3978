package dev.mags.controlplane.apps;

import dev.mags.protocol.v2.Sandbox;
import dev.mags.controlplane.state.JobRecord;

/**
 * The live sandbox of a user's job, for a request to one of its URLs: woken when it sleeps, and held (kept from
 * sleeping) until {@link AppSandbox#release()} runs.
 */
@FunctionalInterface
public interface AppTargets {
    /**
     * The job's sandbox, held.
     *
     * @throws dev.mags.controlplane.error.ConflictException {@code sandbox_not_running} when the job has no sandbox
     */
    AppSandbox take(JobRecord job);

    /** A held sandbox; release it once (further calls do nothing). */
    record AppSandbox(Sandbox sandbox, Runnable release) {}
}
