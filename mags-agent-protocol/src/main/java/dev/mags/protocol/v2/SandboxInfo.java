package dev.mags.protocol.v2;

import java.time.Instant;

/** A sandbox an agent holds, as its listing shows it. */
public record SandboxInfo(SandboxId id, SandboxState state, WorkspaceKey workspace, SandboxLimits limits,
                          Instant createdAt, int execsRunning) {}
