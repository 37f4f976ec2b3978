package dev.mags.controlplane.apps;

import dev.mags.protocol.v2.Sandbox;
import java.util.Optional;

/**
 * The live sandbox of a user's job, for a request to one of its URLs: woken when it sleeps, and held (kept from
 * sleeping) until {@link AppSandbox#release()} runs.
 */
@FunctionalInterface
public interface AppTargets {
    /**
     * @return empty when the user has no such job
     * @throws dev.mags.controlplane.error.ConflictException {@code sandbox_not_running} when the job has no sandbox
     */
    Optional<AppSandbox> take(String userId, String jobId);

    /** A held sandbox; release it once (further calls do nothing). */
    record AppSandbox(Sandbox sandbox, Runnable release) {}
}
