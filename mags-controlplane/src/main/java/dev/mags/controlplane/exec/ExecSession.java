package dev.mags.controlplane.exec;

import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecSpec;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One exec of a caller: its sandbox, held, and its slot among the caller's execs, until closed. */
public final class ExecSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);

    private final ExecSessions sessions;
    private final String userId;
    private final ExecTarget target;
    private final AtomicBoolean closed = new AtomicBoolean();

    ExecSession(ExecSessions sessions, String userId, ExecTarget target) {
        this.sessions = sessions;
        this.userId = userId;
        this.target = target;
    }

    public String name() {
        return target.name();
    }

    /** Starts the process; returns once it runs. Agent errors (the sandbox ended, a bad spec) are thrown. */
    public Exec start(ExecSpec spec, ExecListener listener) {
        return sessions.start(target, spec, listener);
    }

    /** What a client that went away does to its exec: SIGHUP, SIGKILL after the grace if it still runs. */
    public void hangUp(Exec exec) {
        HangUp.now(exec, sessions.limits().hangUpGrace());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            target.close();
        } catch (RuntimeException e) {
            LOG.warn("releasing sandbox '{}' after an exec failed", target.name(), e);
        } finally {
            sessions.give(userId);
        }
    }
}
