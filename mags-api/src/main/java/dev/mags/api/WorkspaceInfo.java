package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A workspace as {@code GET /mags-workspaces} lists it. {@code persistent} is false for a local
 * workspace (kept on the server's disk, removed after an idle time). For a persistent one, the size,
 * file count and time are those of its latest snapshot in storage; {@code live} says whether its sandbox
 * runs now; {@code sync} is the running sync's progress, if one runs; {@code baseCopyBytes} is what the server
 * keeps of a persistent workspace's snapshots restored as bases ({@code --base}) for the sandboxes and forks
 * that use them, freed when none does.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record WorkspaceInfo(
        @JsonProperty("workspace_id") String workspaceId,
        @JsonProperty("persistent") boolean persistent,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("last_used_at") Instant lastUsedAt,
        @JsonProperty("size_bytes") Long sizeBytes,
        @JsonProperty("files") Long files,
        @JsonProperty("last_sync_at") Instant lastSyncAt,
        @JsonProperty("snapshot_count") Integer snapshotCount,
        @JsonProperty("base_workspace_id") String baseWorkspaceId,
        @JsonProperty("disk_bytes") Long diskBytes,
        @JsonProperty("live") boolean live,
        @JsonProperty("sync") SyncProgressInfo sync,
        @JsonProperty("base_copy_bytes") Long baseCopyBytes) {

    /** A local workspace as older servers listed it. */
    public WorkspaceInfo(String workspaceId, boolean persistent, Instant createdAt, Instant lastUsedAt) {
        this(workspaceId, persistent, createdAt, lastUsedAt, null, null, null, null, null, null, false, null, null);
    }
}
