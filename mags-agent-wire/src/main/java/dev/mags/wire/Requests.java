package dev.mags.wire;

import dev.mags.protocol.v2.SandboxId;
import java.util.List;

/** Bodies of the calls whose arguments are not one of the contract's records. */
public final class Requests {
    private Requests() {}

    public record Stop(long graceMillis, boolean sync) {}

    public record Reconcile(List<SandboxId> keep) {}

    public record Resize(long diskBytes) {}

    /** A call on a sandbox's files; each call uses the fields it needs (see {@code SandboxFiles}). */
    public record File(String path, Boolean followLinks, Integer mode, String to, Boolean replace, String target,
                       Long uid, Long gid, java.time.Instant modified, java.util.Set<String> options) {
        public static File path(String path) {
            return new File(path, null, null, null, null, null, null, null, null, null);
        }
    }

    /** An open file of a sandbox, by the number the agent gave it. */
    public record OpenFile(long handle) {}
}
