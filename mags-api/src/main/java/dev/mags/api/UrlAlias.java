package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** A URL alias: {@code subdomain} serves the newest job of {@code workspace_id}, whichever that is. */
public record UrlAlias(
        @JsonProperty("subdomain") String subdomain,
        @JsonProperty("workspace_id") String workspaceId,
        @JsonProperty("url") String url,
        @JsonProperty("created_at") Instant createdAt) {}
