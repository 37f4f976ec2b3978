package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A user as {@code /api/v1/users} shows it to an admin.
 *
 * @param disabledAt when an admin disabled the user (their tokens are refused since); absent when enabled
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserInfo(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("admin") boolean admin,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("disabled_at") Instant disabledAt) {}
