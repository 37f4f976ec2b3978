package dev.mags.sdk;

import java.time.Duration;

/**
 * How {@link EventFollower} treats a dropped live-output stream: up to {@code maxAttempts}
 * reconnections in a row without receiving anything, waiting {@code initialBackoff} doubled per
 * attempt up to {@code maxBackoff}; a stream silent for {@code idleTimeout} (not even a
 * keep-alive comment) counts as dropped.
 */
record ReconnectPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration idleTimeout) {

    Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
