package dev.mags.controlplane.state;

import java.time.Instant;

/** A workspace row: a user's workspace {@code name}, its key on the agent, and when a job last used it. */
public record WorkspaceRecord(String userId, String name, String agentKey, Instant createdAt, Instant lastUsedAt) {}
