package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * The answer of {@code POST /mags-jobs/{id}/sync}: the snapshot now in storage. {@code unchanged}: nothing
 * changed since the latest snapshot, which {@code snapshot_id} names.
 */
public record WorkspaceSync(
        @JsonProperty("workspace_id") String workspaceId,
        @JsonProperty("snapshot_id") String snapshotId,
        @JsonProperty("synced_at") Instant syncedAt,
        @JsonProperty("files") long files,
        @JsonProperty("bytes") long bytes,
        @JsonProperty("bytes_uploaded") long bytesUploaded,
        @JsonProperty("duration_ms") long durationMs,
        @JsonProperty("unchanged") boolean unchanged) {}
