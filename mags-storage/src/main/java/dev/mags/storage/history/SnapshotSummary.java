package dev.mags.storage.history;

import dev.mags.storage.layout.SnapshotId;
import java.time.Instant;

/** One snapshot in a workspace's history. */
public record SnapshotSummary(SnapshotId id, Instant createdAt, long files, long bytes, long entries) {}
