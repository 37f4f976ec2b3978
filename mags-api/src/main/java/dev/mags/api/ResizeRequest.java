package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /mags-workspaces/{name}/resize}: the new disk size in GB (10^9 bytes). */
public record ResizeRequest(@JsonProperty("disk_gb") Integer diskGb) {}
