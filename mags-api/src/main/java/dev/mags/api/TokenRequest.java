package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /api/v1/tokens}: {@code name} labels the token (1-128 characters, e.g. "laptop"). */
public record TokenRequest(@JsonProperty("name") String name) {}
