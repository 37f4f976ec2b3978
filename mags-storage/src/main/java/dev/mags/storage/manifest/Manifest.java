package dev.mags.storage.manifest;

import java.util.List;
import java.util.Objects;

/**
 * The index of one snapshot: written after all its chunks, and the only thing that makes them a snapshot.
 * The header fields come before {@code entries} in the JSON so that a listing can stop reading there.
 *
 * @param format     {@link #FORMAT}; a reader refuses newer formats
 * @param createdAt  ISO-8601 UTC
 * @param files      FILE and HARDLINK entries
 * @param bytes      sum of FILE sizes (hard links counted once)
 */
public record Manifest(int format, String snapshotId, String owner, String workspace, String createdAt, String host,
                       int chunkSize, long files, long bytes, long entryCount, List<Entry> entries) {
    public static final int FORMAT = 1;

    public Manifest {
        Objects.requireNonNull(snapshotId, "snapshotId");
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    public ManifestSummary summary() {
        return new ManifestSummary(format, snapshotId, owner, workspace, createdAt, host, chunkSize, files, bytes, entryCount);
    }
}
