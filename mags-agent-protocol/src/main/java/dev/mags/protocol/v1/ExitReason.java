package dev.mags.protocol.v1;

/** Why a sandbox's main process ended. */
public enum ExitReason {
    /** The process exited by itself; the exit code is its own. */
    EXITED,
    /** The agent killed it because {@link SandboxSpec#timeout()} passed. */
    TIMED_OUT,
    /** Someone asked the agent to stop it. */
    STOPPED,
    /** The agent itself is shutting down. */
    AGENT_SHUTDOWN,
    /** The kernel killed the sandbox's processes at its memory limit; the detail names the limit. */
    OUT_OF_MEMORY,
    /** The process failed and the sandbox's disk is full; the detail names the limit. */
    DISK_FULL,
    /** The process failed after the sandbox reached its process limit; the detail names the limit. */
    PIDS_LIMIT,
    /** The sandbox failed after it had started (runtime error); see the detail. */
    FAILED
}
