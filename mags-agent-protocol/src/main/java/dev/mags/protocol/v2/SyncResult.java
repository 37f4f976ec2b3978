package dev.mags.protocol.v2;

import java.time.Duration;
import java.time.Instant;

/**
 * A sync that committed: the snapshot is in storage.
 *
 * @param snapshotId the new snapshot, or the latest one when nothing changed ({@code unchanged})
 * @param files      regular files in the snapshot
 * @param bytes      their plain bytes
 * @param bytesUploaded compressed bytes sent to storage by this sync
 */
public record SyncResult(StoredWorkspace workspace, String snapshotId, Instant syncedAt, long files, long bytes,
                         long bytesUploaded, Duration duration, boolean unchanged) {}
