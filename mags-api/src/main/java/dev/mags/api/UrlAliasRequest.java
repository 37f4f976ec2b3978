package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /mags-url-aliases}: a stable subdomain for the caller's workspace.
 *
 * @param domain optional; the server's apps domain (the only one it serves)
 */
public record UrlAliasRequest(
        @JsonProperty("subdomain") String subdomain,
        @JsonProperty("workspace_id") String workspaceId,
        @JsonProperty("domain") String domain) {}
