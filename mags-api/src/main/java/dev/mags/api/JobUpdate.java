package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code PATCH /api/v1/mags-jobs/{id}}: a persistent job's sandbox settings. A field left out (null)
 * keeps its value; an empty {@code startup_command} removes it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobUpdate(
        @JsonProperty("no_sleep") Boolean noSleep,
        @JsonProperty("startup_command") String startupCommand) {}
