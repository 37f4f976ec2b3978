package dev.mags.agent.runtime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One container as the OCI runtime reports it ({@code list --format json}, {@code state}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerState(String id, int pid, String status, String bundle) {}
