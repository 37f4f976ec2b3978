package dev.mags.protocol.v2;


/**
 * How a sandbox ended.
 *
 * @param reason      why (STOPPED when asked, OUT_OF_MEMORY or FAILED when its init died, AGENT_SHUTDOWN)
 * @param detail      a human-readable explanation, never null
 * @param finalSync   the final sync of its stored workspace, when one was made and committed
 * @param syncFailure why the final sync failed (the workspace disk keeps the files), or null
 * @param use         what it used over its life, as its cgroups counted it
 */
public record SandboxEnd(ExitReason reason, String detail, SyncResult finalSync, String syncFailure, SandboxUse use) {
    public SandboxEnd {
        detail = detail == null ? "" : detail;
        use = use == null ? SandboxUse.NONE : use;
    }

    /** An end whose use is not known. */
    public SandboxEnd(ExitReason reason, String detail, SyncResult finalSync, String syncFailure) {
        this(reason, detail, finalSync, syncFailure, SandboxUse.NONE);
    }
}
