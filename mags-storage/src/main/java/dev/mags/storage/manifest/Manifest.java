package dev.mags.storage.manifest;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The index of one snapshot: written after all its chunks, and the only thing that makes them a snapshot.
 * The header fields come before {@code entries} in the JSON so that a listing can stop reading there.
 *
 * @param format     {@link #FORMAT}; a reader refuses newer formats
 * @param createdAt  ISO-8601 UTC
 * @param files      FILE and HARDLINK entries
 * @param bytes      sum of FILE sizes (hard links counted once)
 * @param packed     the entries' chunks that live in packs, by chunk id; any other chunk is an object of its own
 */
public record Manifest(int format, String snapshotId, String owner, String workspace, String createdAt, String host,
                       int chunkSize, long files, long bytes, long entryCount, List<Entry> entries, Map<String, PackSlot> packed) {
    /** Format 2 added packs; format 1 manifests (every chunk an object of its own) are still read. */
    public static final int FORMAT = 2;

    public Manifest {
        Objects.requireNonNull(snapshotId, "snapshotId");
        entries = entries == null ? List.of() : List.copyOf(entries);
        packed = packed == null ? Map.of() : Map.copyOf(packed);
    }

    public ManifestSummary summary() {
        return new ManifestSummary(format, snapshotId, owner, workspace, createdAt, host, chunkSize, files, bytes, entryCount);
    }
}
