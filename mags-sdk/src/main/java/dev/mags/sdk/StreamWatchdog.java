package dev.mags.sdk;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closes the stream being read when the deadline has passed, or, while it waits for one, when nothing
 * arrived for the idle timeout (a half-open connection). Closing the response stream wakes up a blocked
 * reader with an {@link IOException}; {@link #takeReason()} then tells why. Without a deadline it starts no
 * thread: the socket's read timeout, the idle timeout at most, ends a silent stream by itself, and a
 * short-lived program saves a thread start.
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
    private final Thread thread;   // null without a deadline

    /**
     * {@code deadline} may be {@code null} for none. One thread of its own rather than a shared scheduler:
     * starting the JDK's (the common pool and its delay scheduler) costs more.
     */
    StreamWatchdog(Duration idleTimeout, Instant deadline) {
        this.idleNanos = idleTimeout.toNanos();
        this.deadline = deadline;
        this.periodMillis = Math.clamp(idleTimeout.toMillis() / 4, 10, 1000);
        this.thread = deadline == null ? null : Thread.ofPlatform().daemon().name("mags-stream-watchdog").start(this::run);
    }

    /** Checks every period, and at the deadline itself. */
    private void run() {
        while (!closed) {
            long sleep = periodMillis;
            if (deadline != null) {
                // Rounded up: a sleep cut to whole milliseconds ends just before the deadline, and the next
                // check would then come a whole period after it.
                long untilDeadline = Duration.between(Instant.now(), deadline).toNanos();
                if (untilDeadline > 0) {
                    sleep = Math.min(sleep, Math.max(1, Math.ceilDiv(untilDeadline, 1_000_000)));
                }
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                return;
            }
            check();
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
        if (thread != null) {
            thread.interrupt();
        }
    }
}
