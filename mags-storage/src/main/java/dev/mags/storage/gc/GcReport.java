package dev.mags.storage.gc;

import java.time.Duration;

/**
 * What a collection did.
 *
 * @param manifests        manifests read (every snapshot of every workspace)
 * @param referencedChunks distinct chunks they reference
 * @param chunksSeen       chunk objects in the bucket
 * @param chunksDeleted    chunks deleted
 * @param bytesDeleted     stored (compressed) bytes deleted
 * @param keptYoung        unreferenced chunks kept because they are younger than the grace period
 */
public record GcReport(long manifests, long referencedChunks, long chunksSeen, long chunksDeleted, long bytesDeleted,
                       long keptYoung, Duration duration) {}
