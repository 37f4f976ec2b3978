package dev.mags.agent.sandbox;

import dev.mags.protocol.v2.SyncResult;

/** What the agent does around a sandbox's end: the final sync of its workspace, then its bookkeeping. */
public interface SandboxHooks {
    /** The outcome of a final sync: the snapshot made, or why it failed; both null when none was made. */
    record FinalSync(SyncResult result, String failure) {
        public static final FinalSync NONE = new FinalSync(null, null);
    }

    /**
     * Runs once every process of the sandbox has ended and before its container is released, while its disk is
     * still mounted: the final sync of a stored workspace when {@code sync}.
     */
    FinalSync beforeRelease(boolean sync);

    /** Runs once the container is released, before {@link LocalSandbox#ended()} completes. */
    void released(LocalSandbox sandbox);
}
