package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A workspace as {@code GET /mags-workspaces} lists it. {@code persistent} is false for a local
 * workspace (kept on the server's disk, removed after an idle time).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record WorkspaceInfo(
        @JsonProperty("workspace_id") String workspaceId,
        @JsonProperty("persistent") boolean persistent,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("last_used_at") Instant lastUsedAt) {}
