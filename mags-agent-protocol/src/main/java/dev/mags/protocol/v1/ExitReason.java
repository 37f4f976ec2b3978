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
    /** The sandbox failed after it had started (runtime error); see the detail. */
    FAILED
}
