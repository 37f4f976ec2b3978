package dev.mags.protocol.v2;

/** Where a sandbox is in its life. */
public enum SandboxState {
    /** Being built; takes no exec yet. */
    STARTING,
    /** Its init runs; it takes execs. */
    RUNNING,
    /** Its processes are frozen (cgroup freezer): memory kept, no CPU; thawed by {@link Sandbox#thaw()}. */
    FROZEN,
    /** Being stopped, synced and released. */
    ENDING,
    /** Gone; only its workspace disk, if it had one, stays. */
    ENDED
}
