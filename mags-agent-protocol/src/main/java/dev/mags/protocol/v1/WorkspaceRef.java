package dev.mags.protocol.v1;

import java.util.Objects;

/**
 * A workspace on an agent: the sandbox's writable layer is kept on the agent's disk under this key
 * between sandboxes. The control plane derives the key from the owner and the workspace's name; the
 * agent only uses it as a directory name.
 *
 * @param key       {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,127}}
 * @param stored    where the workspace is synced in storage; null for a local workspace (never synced).
 *                  A stored workspace is restored from its latest snapshot when the agent has no copy,
 *                  synced every sync interval while a sandbox uses it, and synced when that sandbox ends.
 * @param keepAlive the sandbox stays alive after its command ({@code -p}); later launches on this
 *                  workspace run their commands inside it, one after the other
 */
public record WorkspaceRef(String key, StoredWorkspace stored, boolean keepAlive) {
    public WorkspaceRef {
        Objects.requireNonNull(key, "key");
        if (!key.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException("workspace key '" + key + "' has characters outside [A-Za-z0-9_.-]");
        }
    }

    /** A local workspace whose sandbox ends with its command. */
    public WorkspaceRef(String key) {
        this(key, null, false);
    }
}
