package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /api/v1/users}: a new user's name and whether they administer the server. */
public record UserRequest(@JsonProperty("name") String name, @JsonProperty("admin") Boolean admin) {}
