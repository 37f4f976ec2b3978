package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Answer of {@code GET /api/v1/me}: who the presented token belongs to. */
public record WhoAmI(
        @JsonProperty("user") String user,
        @JsonProperty("admin") boolean admin,
        @JsonProperty("token_prefix") String tokenPrefix) {}
