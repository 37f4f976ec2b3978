package dev.mags.storage.gc;

import java.time.Duration;

/**
 * What a collection did.
 *
 * @param manifests        manifests read (every snapshot of every workspace)
 * @param referencedChunks distinct chunk and pack objects they reference
 * @param chunksSeen       chunk and pack objects in the bucket
 * @param chunksDeleted    chunk and pack objects deleted
 * @param bytesDeleted     stored (compressed) bytes deleted
 * @param keptYoung        unreferenced chunk and pack objects kept because they are younger than the grace period
 */
public record GcReport(long manifests, long referencedChunks, long chunksSeen, long chunksDeleted, long bytesDeleted,
                       long keptYoung, Duration duration) {}
