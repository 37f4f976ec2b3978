package dev.mags.controlplane.apps;

import dev.mags.protocol.v2.Sandbox;
import dev.mags.controlplane.state.JobRecord;

/**
 * The live sandbox of a user's job, for a request to one of its URLs: woken when it sleeps, and held (kept from
 * sleeping) until {@link AppSandbox#release()} runs.
 */
public interface AppTargets {
    /**
     * The job's sandbox, held.
     *
     * @throws dev.mags.controlplane.error.ConflictException {@code sandbox_not_running} when the job has no sandbox
     */
    AppSandbox take(JobRecord job);

    /**
     * The job's sandbox, held, when it runs now; empty when it would first have to be woken (or is going to
     * sleep). Never blocks: the proxy asks on its I/O threads and calls {@link #take} elsewhere when this is empty.
     */
    java.util.Optional<AppSandbox> takeIfAwake(JobRecord job);

    /** A held sandbox; release it once (further calls do nothing). */
    record AppSandbox(Sandbox sandbox, Runnable release) {}
}
