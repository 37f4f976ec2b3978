package dev.mags.controlplane.state;

import java.time.Instant;

/**
 * A workspace row: a user's workspace {@code name}, its key on the agent, when a job last used it, whether
 * it is synced to storage, the base snapshot it was forked from (null for none), and the disk size it was
 * resized to (null: the size of the job that created it).
 */
public record WorkspaceRecord(String userId, String name, String agentKey, Instant createdAt, Instant lastUsedAt,
                              boolean persistent, String baseWorkspaceId, String baseSnapshot, Long diskBytes) {}
