package dev.mags.storage.manifest;

/** A manifest's header without its entries: what a snapshot listing shows. */
public record ManifestSummary(int format, String snapshotId, String owner, String workspace, String createdAt, String host,
                              int chunkSize, long files, long bytes, long entryCount) {}
