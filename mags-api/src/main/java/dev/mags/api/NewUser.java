package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The answer of {@code POST /api/v1/users}: the user and their first token, whose secret is shown only here. */
public record NewUser(@JsonProperty("user") UserInfo user, @JsonProperty("token") TokenInfo token) {}
