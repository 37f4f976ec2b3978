package dev.mags.controlplane.state;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which control-plane replica runs the cluster's singletons (cron, reapers, garbage collection): the one holding a
 * PostgreSQL session advisory lock on a connection of its own. Every replica tries to take it every {@code retry};
 * when the leader dies its session ends and the lock is free for the next try of another replica. A leader whose
 * connection breaks stops leading before it tries again. Work that only the leader does asks {@link #leader()}.
 */
public final class LeaderLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderLock.class);
    /** "magslead" in ASCII. */
    static final long LEADER_LOCK = 0x6d6167736c656164L;
    private final Database db;
    private final Duration retry;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean leader;
    private Connection held;

    public LeaderLock(Database db, Duration retry) {
        this.db = db;
        this.retry = retry;
        this.thread = Thread.ofPlatform().name("leader-lock").daemon().unstarted(this::run);
    }

    public LeaderLock start() {
        thread.start();
        return this;
    }

    public boolean leader() {
        return leader;
    }

    private void run() {
        while (!closed) {
            try {
                if (!leader) {
                    tryToLead();
                } else if (!held.isValid(5)) {
                    demote("its database connection broke");
                }
            } catch (SQLException | RuntimeException e) {
                if (leader) {
                    demote(e.toString());
                } else {
                    LOG.debug("could not try for the leader lock", e);
                    closeHeld();
                }
            }
            try {
                Thread.sleep(retry);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void tryToLead() throws SQLException {
        if (held == null) {
            held = db.dedicatedConnection();
        }
        try (Statement s = held.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LEADER_LOCK + ")")) {
            if (rs.next() && rs.getBoolean(1)) {
                leader = true;
                LOG.info("this control plane leads the cluster: it runs cron, the reapers and garbage collection");
            }
        }
    }

    private void demote(String why) {
        leader = false;
        LOG.warn("this control plane stops leading the cluster: {}", why);
        closeHeld();
    }

    private void closeHeld() {
        if (held != null) {
            try {
                held.close();
            } catch (SQLException e) {
                LOG.debug("closing the leader lock's connection", e);
            }
            held = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leader = false;
        if (held != null) {
            try (Statement s = held.createStatement()) {
                s.execute("SELECT pg_advisory_unlock(" + LEADER_LOCK + ")");
            } catch (SQLException e) {
                LOG.debug("giving back the leader lock", e);
            }
            closeHeld();
        }
    }
}
