package dev.mags.wire.client;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exec connections an agent keeps ({@code Mags-Exec-Keep}), idle between execs, by sandbox: the next exec in the
 * same sandbox takes one instead of opening a connection (and, over TLS, a handshake). One is used for at most
 * {@link #IDLE} after its last exec, well inside the agent's own wait, so the agent never closes one as it is taken;
 * it is closed when that time is up or when the client closes.
 */
final class ExecConnections implements AutoCloseable {
    static final Duration IDLE = Duration.ofSeconds(10);
    /** Idle connections kept per sandbox; more are closed. */
    static final int PER_SANDBOX = 4;

    /** An upgraded exec connection with its streams; {@code kept}: the agent keeps it after an exit. */
    record Connection(Socket socket, DataInputStream in, DataOutputStream out, boolean kept) {
        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing more to release
            }
        }
    }

    private record Idle(Connection connection, long since) {}

    private final Map<String, Deque<Idle>> idle = new HashMap<>();
    private boolean closed;

    /** A kept connection to the sandbox idle for less than {@link #IDLE}, the newest; null when there is none. */
    Connection take(String sandboxId) {
        List<Connection> stale = new ArrayList<>();
        Connection found = null;
        synchronized (this) {
            Deque<Idle> kept = idle.get(sandboxId);
            Idle newest = kept == null ? null : kept.pollFirst();
            if (newest != null && System.nanoTime() - newest.since() < IDLE.toNanos()) {
                found = newest.connection();
            } else if (newest != null) { // the others are older still
                stale.add(newest.connection());
                kept.forEach(i -> stale.add(i.connection()));
                kept.clear();
            }
            if (kept != null && kept.isEmpty()) {
                idle.remove(sandboxId);
            }
        }
        stale.forEach(Connection::close);
        return found;
    }

    /** Keeps a connection whose exec has ended for the sandbox's next exec, or closes it. */
    void give(String sandboxId, Connection connection) {
        Idle entry = new Idle(connection, System.nanoTime());
        boolean keeping;
        synchronized (this) {
            Deque<Idle> kept = idle.computeIfAbsent(sandboxId, k -> new ArrayDeque<>());
            keeping = connection.kept() && !closed && kept.size() < PER_SANDBOX;
            if (keeping) {
                kept.addFirst(entry);
            } else if (kept.isEmpty()) {
                idle.remove(sandboxId);
            }
        }
        if (!keeping) {
            connection.close();
            return;
        }
        Thread.ofVirtual().name("exec-idle-" + sandboxId).start(() -> {
            try {
                Thread.sleep(IDLE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            boolean removed;
            synchronized (this) {
                Deque<Idle> kept = idle.get(sandboxId);
                removed = kept != null && kept.remove(entry);
                if (kept != null && kept.isEmpty()) {
                    idle.remove(sandboxId);
                }
            }
            if (removed) {
                connection.close();
            }
        });
    }

    /** How many idle connections to the sandbox are kept. */
    synchronized int kept(String sandboxId) {
        Deque<Idle> kept = idle.get(sandboxId);
        return kept == null ? 0 : kept.size();
    }

    @Override
    public void close() {
        List<Connection> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(kept -> kept.forEach(i -> all.add(i.connection())));
            idle.clear();
        }
        all.forEach(Connection::close);
    }
}
