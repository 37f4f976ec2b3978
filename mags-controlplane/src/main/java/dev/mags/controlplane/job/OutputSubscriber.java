package dev.mags.controlplane.job;

import dev.mags.api.JobInfo;
import dev.mags.api.LogEntry;

/**
 * Follows one job's output live. Called while the job's output lock is held, so implementations
 * must only hand events on (queue, async send) and never call back into {@link JobOutput}.
 */
public interface OutputSubscriber {
    /** A new line; returning false unsubscribes (a follower that fell behind reads the store instead). */
    boolean onLog(LogEntry entry);

    /** The job reached a final status; no more lines will come. */
    void onFinished(JobInfo finalInfo);
}
