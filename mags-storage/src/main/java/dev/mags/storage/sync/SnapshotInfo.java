package dev.mags.storage.sync;

import dev.mags.storage.layout.SnapshotId;
import dev.mags.storage.layout.WorkspaceRef;
import java.time.Duration;

/**
 * A committed snapshot, as a sync reports it. Only returned once the manifest is in the store.
 *
 * @param files         regular files (hard links counted once per name)
 * @param bytes         plain bytes of the regular files
 * @param filesRead     files whose contents were read (changed or new); the rest reused their chunk lists
 * @param bytesRead     plain bytes read
 * @param chunksUploaded chunks that were not in the store before
 * @param bytesUploaded compressed bytes of those chunks
 * @param unchanged     the tree equals the latest snapshot, which {@code id} names; no new snapshot was written
 */
public record SnapshotInfo(WorkspaceRef workspace, SnapshotId id, long entries, long files, long bytes, long filesRead,
                           long bytesRead, long chunksUploaded, long bytesUploaded, Duration duration, boolean unchanged) {}
