package dev.mags.controlplane.workspace;

import dev.mags.protocol.v2.StoredWorkspace;
import java.time.Instant;

/** A workspace in storage: its latest snapshot (size, time) and how many snapshots it has. */
public record StoredWorkspaceInfo(StoredWorkspace workspace, String latestSnapshot, Instant lastSyncAt, long files,
                                  long bytes, int snapshots) {}
