package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One of a user's API tokens, as {@code GET /api/v1/tokens} lists it: never the secret.
 *
 * @param prefix     the token's first 12 characters, enough to recognise it ({@code mags whoami} prints it)
 * @param lastUsedAt when a request last carried it, to about a minute; null when never (since it was named)
 * @param token      the secret itself: only in the answer of the request that created it, null elsewhere
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenInfo(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("prefix") String prefix,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("last_used_at") Instant lastUsedAt,
        @JsonProperty("token") String token) {}
