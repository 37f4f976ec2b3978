package dev.mags.protocol.v1;

import java.util.Objects;

/**
 * A workspace on an agent: the sandbox's writable layer is kept on the agent's disk under this key
 * between sandboxes. The control plane derives the key from the owner and the workspace's name; the
 * agent only uses it as a directory name.
 *
 * @param key {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,127}}
 */
public record WorkspaceRef(String key) {
    public WorkspaceRef {
        Objects.requireNonNull(key, "key");
        if (!key.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException("workspace key '" + key + "' has characters outside [A-Za-z0-9_.-]");
        }
    }
}
