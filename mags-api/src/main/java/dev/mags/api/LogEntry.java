package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** One line of a job's output, numbered by {@code seq} from 1 in the order it was produced. */
public record LogEntry(
        @JsonProperty("seq") long seq,
        @JsonProperty("timestamp") Instant timestamp,
        @JsonProperty("source") LogSource source,
        @JsonProperty("message") String message) {}
