package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How an exec ended, with its output: the answer of {@code POST /mags-jobs/{id}/exec} without
 * {@code Accept: application/x-ndjson}.
 *
 * @param exitCode  the command's exit code (128 + signal when a signal killed it); null when it did not end by
 *                  itself (timed out, the sandbox ended) or never started
 * @param status    {@code completed} when it exited with code 0, else {@code error}
 * @param reason    why it ended: {@code exited}, {@code timed_out}, {@code sandbox_ended}, {@code out_of_memory},
 *                  ... (the agent's exit reasons, in lower case)
 * @param message   what went wrong, for people; null when it completed
 * @param stdout    its standard output, as UTF-8 text (invalid bytes replaced)
 * @param stderr    its standard error
 * @param output    stdout and stderr interleaved in the order they were read (what the reference SDKs read)
 * @param truncated whether output was left out: the server keeps a bounded amount for this answer (see the
 *                  API description); the streamed form has all of it
 */
public record ExecResult(
        @JsonProperty("exit_code") Integer exitCode,
        @JsonProperty("status") String status,
        @JsonProperty("reason") String reason,
        @JsonProperty("message") String message,
        @JsonProperty("stdout") String stdout,
        @JsonProperty("stderr") String stderr,
        @JsonProperty("output") String output,
        @JsonProperty("truncated") boolean truncated) {

    public static final String COMPLETED = "completed";
    public static final String ERROR = "error";
}
