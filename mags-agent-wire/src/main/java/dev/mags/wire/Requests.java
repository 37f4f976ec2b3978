package dev.mags.wire;

import dev.mags.protocol.v2.SandboxId;
import java.util.List;

/** Bodies of the calls whose arguments are not one of the contract's records. */
public final class Requests {
    private Requests() {}

    public record Stop(long graceMillis, boolean sync) {}

    public record Reconcile(List<SandboxId> keep) {}

    public record Resize(long diskBytes) {}

    /**
     * A call on a sandbox's files; each call uses the fields it needs (see {@code SandboxFiles}), set from
     * {@link #path} with the methods below, the others left out of the JSON (null).
     */
    public record File(String path, Boolean followLinks, Integer mode, String to, Boolean replace, String target,
                       Long uid, Long gid, java.time.Instant modified, java.util.Set<String> options) {
        public static File path(String path) {
            return new File(path, null, null, null, null, null, null, null, null, null);
        }

        public File followLinks(boolean follow) {
            return new File(path, follow, mode, to, replace, target, uid, gid, modified, options);
        }

        public File mode(int newMode) {
            return new File(path, followLinks, newMode, to, replace, target, uid, gid, modified, options);
        }

        /** The new name of a rename, and whether it replaces what has that name. */
        public File to(String newPath, boolean replacing) {
            return new File(path, followLinks, mode, newPath, replacing, target, uid, gid, modified, options);
        }

        /** What a new symbolic link points to. */
        public File target(String linkTarget) {
            return new File(path, followLinks, mode, to, replace, linkTarget, uid, gid, modified, options);
        }

        public File owner(long newUid, long newGid) {
            return new File(path, followLinks, mode, to, replace, target, newUid, newGid, modified, options);
        }

        public File modified(java.time.Instant time) {
            return new File(path, followLinks, mode, to, replace, target, uid, gid, time, options);
        }

        /** The open options of an open, by their names. */
        public File options(java.util.Set<String> names) {
            return new File(path, followLinks, mode, to, replace, target, uid, gid, modified, names);
        }
    }

    /** An open file of a sandbox, by the number the agent gave it. */
    public record OpenFile(long handle) {}
}
