package dev.mags.controlplane.job;

import dev.mags.controlplane.state.JobRecord;
import dev.mags.protocol.v2.Exec;

/** One job as {@link JobRunner} works on it: its thread, its sandbox, and what was asked of it meanwhile. */
final class Execution {
    final JobRecord job;
    volatile Thread thread;
    volatile JobSandboxes.Placed placed;
    /** The job's script in its sandbox, once started. */
    volatile Exec exec;
    volatile boolean stopRequested;
    volatile boolean launching;
    volatile boolean launchRecorded;
    /** The sandbox the job made and that stays after its script (a {@code -p} job's): the job ends with it. */
    volatile JobSandboxes.Placed kept;
    /** The workspace the job holds, until it lets go (its script ended, or a persistent one's started). */
    final java.util.concurrent.atomic.AtomicReference<String> workspaceLock = new java.util.concurrent.atomic.AtomicReference<>();
    /** Its sandbox is stopped to sleep: its end makes the job sleeping, not final. */
    volatile boolean sleepRequested;

    Execution(JobRecord job) {
        this.job = job;
    }
}
