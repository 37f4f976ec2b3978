package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /mags-jobs/{id}/access}: the sandbox port to reach; 22 is SSH. */
public record AccessRequest(@JsonProperty("port") Integer port) {}
