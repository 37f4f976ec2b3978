package dev.mags.protocol.v1;

import java.time.Instant;

/**
 * Receives a sandbox's output as it is produced, one line at a time (without its newline; a line
 * longer than the agent's limit arrives in pieces). Called from the agent's reader threads, so
 * implementations must be thread-safe and must not block for long.
 */
@FunctionalInterface
public interface OutputListener {
    void onLine(OutputStream stream, Instant timestamp, String line);
}
