package dev.mags.controlplane.exec;

import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.error.TooManyRequestsException;
import dev.mags.controlplane.error.UnavailableException;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The execs of the API: which sandbox a name means ({@link ExecTargets}, given once the lifecycle of sandboxes
 * is wired; until then every exec is a 503), how many each user runs (at most {@link ExecLimits#perUser()}), and
 * the running ones, hung up when the control plane closes.
 */
public final class ExecSessions implements AutoCloseable {
    private final ExecLimits limits;
    private final Map<String, Integer> running = new ConcurrentHashMap<>();
    private final Set<Exec> open = ConcurrentHashMap.newKeySet();
    private volatile ExecTargets targets;
    private volatile boolean closed;
    private final Counter started;

    /** @param meters where {@code mags_exec_sessions_open} and {@code mags_exec_sessions_started_total} go */
    public ExecSessions(ExecLimits limits, MeterRegistry meters) {
        this.limits = limits;
        Gauge.builder("mags.exec.sessions.open", open, Set::size)
                .description("commands running in live sandboxes through the exec API (HTTP and WebSocket)")
                .register(meters);
        this.started = Counter.builder("mags.exec.sessions.started")
                .description("commands started in live sandboxes through the exec API").register(meters);
    }

    public ExecLimits limits() {
        return limits;
    }

    /** From now on execs run in the sandboxes {@code targets} names. */
    public void attach(ExecTargets targets) {
        this.targets = targets;
    }

    /**
     * Finds the caller's sandbox and takes one of the caller's exec slots; close the session to give both back.
     *
     * @throws UnavailableException before {@link #attach}, or once closed
     * @throws NotFoundException for a name that is not the caller's
     * @throws TooManyRequestsException when the caller runs {@link ExecLimits#perUser()} execs already
     */
    public ExecSession open(String userId, String idOrName) {
        ExecTargets t = targets;
        if (t == null || closed) {
            throw new UnavailableException("exec_unavailable", "this server cannot run commands in live sandboxes"
                    + " (exec is not enabled on it); run the command as a job instead: mags run 'COMMAND'");
        }
        take(userId);
        try {
            Optional<ExecTarget> found = t.resolve(userId, idOrName);
            if (found.isEmpty()) {
                throw new NotFoundException("no job or workspace named '" + idOrName + "' among yours; `mags list`"
                        + " shows your jobs, `mags new " + idOrName + "` starts a sandbox of that name");
            }
            return new ExecSession(this, userId, found.get());
        } catch (RuntimeException e) {
            give(userId);
            throw e;
        }
    }

    Exec start(ExecTarget target, ExecSpec spec, ExecListener listener) {
        Exec exec = target.sandbox().exec(spec, listener, CommandGate.OPEN);
        started.increment();
        open.add(exec);
        exec.exit().whenComplete((end, failure) -> open.remove(exec));
        if (closed) {
            HangUp.now(exec, limits.hangUpGrace());
        }
        return exec;
    }

    private void take(String userId) {
        boolean[] refused = {false};
        running.compute(userId, (u, n) -> {
            int now = n == null ? 0 : n;
            if (now >= limits.perUser()) {
                refused[0] = true;
                return now;
            }
            return now + 1;
        });
        if (refused[0]) {
            throw new TooManyRequestsException("too_many_execs", "you run " + limits.perUser() + " commands in"
                    + " sandboxes at once already, the most this server allows; wait for one to end");
        }
    }

    void give(String userId) {
        running.computeIfPresent(userId, (u, n) -> n <= 1 ? null : n - 1);
    }

    /** Execs the caller runs now (for tests and diagnostics). */
    public int running(String userId) {
        return running.getOrDefault(userId, 0);
    }

    /** Refuses new execs and hangs up the running ones. */
    @Override
    public void close() {
        closed = true;
        for (Exec exec : open) {
            HangUp.now(exec, limits.hangUpGrace());
        }
    }
}
