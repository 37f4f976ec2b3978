package dev.mags.sdk;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closes the stream being read when nothing arrived for the idle timeout (a half-open
 * connection) or when the deadline has passed. Closing the JDK's response stream wakes up a
 * blocked reader with an {@link IOException}; {@link #takeReason()} then tells why.
 */
final class StreamWatchdog implements AutoCloseable {
    enum Reason { IDLE, DEADLINE }

    private final long idleNanos;
    private final Instant deadline;
    private final long periodMillis;
    private final AtomicReference<Reason> reason = new AtomicReference<>();
    private volatile Closeable current;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean closed;

    /** {@code deadline} may be {@code null} for none. */
    StreamWatchdog(Duration idleTimeout, Instant deadline) {
        this.idleNanos = idleTimeout.toNanos();
        this.deadline = deadline;
        this.periodMillis = Math.clamp(idleTimeout.toMillis() / 4, 10, 1000);
        schedule(periodMillis);
        if (deadline != null) {
            long untilDeadline = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            CompletableFuture.delayedExecutor(untilDeadline, TimeUnit.MILLISECONDS).execute(this::check);
        }
    }

    /** Starts watching a freshly opened stream. */
    void watch(Closeable stream) {
        lastActivity = System.nanoTime();
        current = stream;
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    boolean deadlinePassed() {
        return deadline != null && !Instant.now().isBefore(deadline);
    }

    /** Why the watchdog closed the last stream, or {@code null}; clears the reason. */
    Reason takeReason() {
        return reason.getAndSet(null);
    }

    private void schedule(long delayMillis) {
        CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS).execute(() -> {
            if (!closed) {
                check();
                schedule(periodMillis);
            }
        });
    }

    private void check() {
        Closeable stream = current;
        if (closed || stream == null) {
            return;
        }
        if (deadlinePassed()) {
            fire(Reason.DEADLINE, stream);
        } else if (System.nanoTime() - lastActivity > idleNanos) {
            fire(Reason.IDLE, stream);
        }
    }

    private void fire(Reason why, Closeable stream) {
        reason.set(why);
        current = null;
        try {
            stream.close();
        } catch (IOException ignored) {
            // the reader sees the stream closed either way
        }
    }

    @Override
    public void close() {
        closed = true;
        current = null;
    }
}
