package dev.mags.protocol.v2;

/** Why a process in a sandbox, or the sandbox itself, ended. */
public enum ExitReason {
    /** The process exited by itself; the exit code is its own. */
    EXITED,
    /** Its timeout passed and the agent killed it. */
    TIMED_OUT,
    /** Someone asked for it to stop. */
    STOPPED,
    /** The agent itself is shutting down. */
    AGENT_SHUTDOWN,
    /** The kernel killed the sandbox's processes at its memory limit; the detail names the limit. */
    OUT_OF_MEMORY,
    /** The process failed and the sandbox's disk is full; the detail names the limit. */
    DISK_FULL,
    /** The process failed after the sandbox reached its process limit; the detail names the limit. */
    PIDS_LIMIT,
    /** The sandbox ended while the process ran. */
    SANDBOX_ENDED,
    /** The runtime failed; see the detail. */
    FAILED,
    /**
     * The sandbox's host stopped answering and the cluster declared it lost: whatever still runs there is stopped
     * when it comes back; a stored workspace is as of its last snapshot.
     */
    AGENT_LOST
}
