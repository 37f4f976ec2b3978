package dev.mags.protocol.v2;

import java.util.Objects;

/**
 * A sandbox's writable layer kept on a workspace's disk on the agent.
 *
 * @param key    the workspace's key on the agent
 * @param stored where it is synced in storage; null for a local workspace (never synced). A stored workspace
 *               is restored from its latest snapshot when the agent has no copy, synced every sync interval
 *               while the sandbox lives, and synced when the sandbox ends (unless the stop says not to).
 */
public record WorkspaceMount(WorkspaceKey key, StoredWorkspace stored) {
    public WorkspaceMount {
        Objects.requireNonNull(key, "key");
    }
}
