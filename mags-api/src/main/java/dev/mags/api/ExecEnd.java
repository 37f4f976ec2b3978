package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How an exec ended: the last line of the streamed answer of {@code POST /mags-jobs/{id}/exec} and the JSON of
 * the WebSocket's exit frame (channel 3). Every field is always present ({@code null} when it does not apply);
 * see {@link ExecResult} for their meaning.
 */
public record ExecEnd(
        @JsonProperty("exit_code") Integer exitCode,
        @JsonProperty("status") String status,
        @JsonProperty("reason") String reason,
        @JsonProperty("message") String message) {}
