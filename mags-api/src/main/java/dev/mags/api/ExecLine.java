package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One line of the streamed answer of {@code POST /mags-jobs/{id}/exec} ({@code Accept: application/x-ndjson}):
 * output ({@code stream} and {@code data}) or, last, the end ({@code exit_code}, {@code status}, {@code reason},
 * {@code message}, as {@link ExecEnd} writes it). Output lines carry only {@code stream} and {@code data}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecLine(
        @JsonProperty("stream") String stream,
        @JsonProperty("data") String data,
        @JsonProperty("exit_code") Integer exitCode,
        @JsonProperty("status") String status,
        @JsonProperty("reason") String reason,
        @JsonProperty("message") String message) {

    public static final String STDOUT = "stdout";
    public static final String STDERR = "stderr";

    public static ExecLine output(String stream, String data) {
        return new ExecLine(stream, data, null, null, null, null);
    }

    /** Whether this is the last line, the one that says how the exec ended. */
    public boolean isEnd() {
        return status != null;
    }
}
