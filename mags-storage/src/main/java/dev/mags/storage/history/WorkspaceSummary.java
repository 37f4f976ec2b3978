package dev.mags.storage.history;

import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import java.time.Instant;

/** A workspace as {@code mags workspace list} shows it: its latest snapshot's size and time, and how many it has. */
public record WorkspaceSummary(WorkspaceRef workspace, SnapshotId latest, Instant lastSync, long files, long bytes,
                               int snapshots) {}
