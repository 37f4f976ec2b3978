package dev.mags.wire.client;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connections to an agent opened ahead of need: a TLS handshake costs milliseconds of CPU on both sides, so the next
 * upgraded connection (an exec, a port) takes one that is ready and another is opened behind it, off the caller's
 * path. At most {@link #KEEP} wait, each for {@link #MAX_IDLE} at most (well under the agent's idle timeout); a
 * caller that finds none opens its own. A connection that went stale anyway is the caller's to retry (see
 * {@link Ready#fresh()}).
 */
final class ReadySockets implements AutoCloseable {
    static final int KEEP = 2;
    static final Duration MAX_IDLE = Duration.ofSeconds(30);

    /** Opens one connection, handshake done. */
    interface Opener {
        Socket open() throws IOException;
    }

    /** A connection, and whether it was opened for this caller (a ready one may have gone stale while it waited). */
    record Ready(Socket socket, boolean fresh) {}

    private record Waiting(Socket socket, long since) {}

    private final Opener opener;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final AtomicBoolean refilling = new AtomicBoolean();
    private volatile boolean closed;

    ReadySockets(Opener opener) {
        this.opener = opener;
    }

    /** A ready connection if one waits, else one opened now; either way, more are opened behind it. */
    Ready take() throws IOException {
        Socket ready = poll();
        refill();
        return ready != null ? new Ready(ready, false) : new Ready(opener.open(), true);
    }

    private Socket poll() {
        long now = System.nanoTime();
        synchronized (waiting) {
            for (Waiting w = waiting.poll(); w != null; w = waiting.poll()) {
                if (now - w.since() < MAX_IDLE.toNanos() && !w.socket().isClosed()) {
                    return w.socket();
                }
                closeQuietly(w.socket());
            }
        }
        return null;
    }

    /** Opens connections on a thread of its own until {@link #KEEP} wait; stops at the first failure. */
    private void refill() {
        if (closed || !refilling.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("agent-connections-ahead").start(() -> {
            try {
                while (!closed && size() < KEEP) {
                    Socket socket = opener.open();
                    synchronized (waiting) {
                        if (closed) {
                            closeQuietly(socket);
                            return;
                        }
                        waiting.add(new Waiting(socket, System.nanoTime()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the agent cannot be reached now: callers open their own, and say so
            } finally {
                refilling.set(false);
            }
        });
    }

    /** How many wait ready now. */
    int size() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (waiting) {
            waiting.forEach(w -> closeQuietly(w.socket()));
            waiting.clear();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}
