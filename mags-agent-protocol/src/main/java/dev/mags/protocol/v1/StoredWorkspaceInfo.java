package dev.mags.protocol.v1;

import java.time.Instant;

/** A workspace in storage: its latest snapshot (size, time) and how many snapshots it has. */
public record StoredWorkspaceInfo(StoredWorkspace workspace, String latestSnapshot, Instant lastSyncAt, long files,
                                  long bytes, int snapshots) {}
