package dev.mags.agent.sandbox;

import dev.mags.agent.cgroup.LimitEvents;
import dev.mags.agent.runtime.Runc;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecSpec;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Starts a process in a ready {@link Container}: a container's first process goes to its init's
 * {@link InitStandby} when the standby can express it (no runtime process at all: what keeps a warm sandbox's
 * first command at the cost of a hand-over); a later one without a terminal to the container's {@link ExecServer}
 * (a live sandbox's execs, a few ms each); any other to a {@code runc exec --detach} ({@link RuntimeExec}).
 * Returns once the process runs; the caller follows it ({@link LocalExec#follow}).
 */
public final class ExecLauncher {
    static final String HOME = "/root";

    private final RuntimeExec runtime;
    private final ScheduledExecutorService timers;

    public ExecLauncher(Runc runc, ScheduledExecutorService timers) {
        this.runtime = new RuntimeExec(runc);
        this.timers = timers;
    }

    /**
     * Checks what the runtime's process file cannot express, before anything is started.
     *
     * @throws AgentException INVALID_SPEC naming the problem
     */
    public static void validate(String sandbox, Map<String, String> environment, List<String> argv) {
        for (var variable : environment.entrySet()) {
            String name = variable.getKey();
            // A '=' in the name would silently become part of the value; NUL cannot pass execve.
            if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0) {
                throw invalid(sandbox, "environment variable name '" + name + "' is not valid");
            }
            if (variable.getValue().indexOf('\0') >= 0) {
                throw invalid(sandbox, "environment variable " + name + " contains a NUL character");
            }
        }
        if (argv.stream().anyMatch(arg -> arg.indexOf('\0') >= 0)) {
            throw invalid(sandbox, "a command argument contains a NUL character");
        }
    }

    private static AgentException invalid(String sandbox, String problem) {
        return new AgentException(AgentErrorCode.INVALID_SPEC, "sandbox " + sandbox + ": " + problem);
    }

    /**
     * Starts exec {@code n} in {@code container} with {@code environment} (the sandbox's and the exec's own, the
     * exec's winning). {@code gate} is called right before the process is handed over; if it throws, nothing
     * starts and this throws it.
     */
    LocalExec start(Container container, String sandbox, int n, ExecSpec spec, Map<String, String> environment,
            ExecListener listener, CommandGate gate) {
        validate(sandbox, environment, spec.argv());
        if (spec.timeout() != null && (spec.timeout().isZero() || spec.timeout().isNegative())) {
            throw invalid(sandbox, "the timeout must be positive or absent, not " + spec.timeout());
        }
        String cwd = spec.cwd() == null ? HOME : spec.cwd();
        if (cwd.indexOf('\0') >= 0) {
            throw invalid(sandbox, "the working directory contains a NUL character");
        }
        LimitEvents before = container.limitEvents();
        InitStandby standby = container.takeStandby();
        StartedProcess process = standby == null ? null : handToStandby(container, standby, spec, environment, cwd, gate);
        if (process == null && standby == null && spec.pty() == null) {
            process = toExecServer(container, sandbox, spec, environment, cwd, gate);
        }
        if (process == null) {
            process = runtime.start(container, n, spec.argv(), environment, cwd, spec.stdin(), spec.pty(), gate);
        }
        return new LocalExec(sandbox + "-" + n, container, process, listener, spec.stdin(), before);
    }

    /**
     * The container's standby shell turned into the process, or null when it needs an exec of its own (a process
     * the standby cannot express, no standby left, a dead one): the standby is then dismissed.
     */
    private static StartedProcess handToStandby(Container container, InitStandby standby, ExecSpec spec,
            Map<String, String> environment, String cwd, CommandGate gate) {
        Optional<String> text = spec.stdin() || spec.pty() != null || !cwd.equals(HOME) ? Optional.empty()
                : InitStandby.jobText(spec.argv(), environment);
        if (text.isPresent() && standby.isAlive()) {
            try {
                gate.beforeCommand();
            } catch (RuntimeException e) {
                container.returnStandby(standby); // nothing started: a later exec may still use it
                throw e;
            }
            try {
                return standby.hand(text.get());
            } catch (IOException e) {
                // the shell died after the check: run the process on its own (the gate was passed already)
            }
        }
        standby.dismiss();
        return null;
    }

    /** The process started by the container's exec server, or null when the runtime is to start it. */
    private StartedProcess toExecServer(Container container, String sandbox, ExecSpec spec,
            Map<String, String> environment, String cwd, CommandGate gate) {
        try {
            return container.execServer(timers).start(spec.argv(), environment, cwd, spec.stdin(), gate).orElse(null);
        } catch (java.io.UncheckedIOException e) {
            return null; // no server to be had: the runtime starts it
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "sandbox " + sandbox + ": the process was handed to"
                    + " its exec server, which lost it: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "interrupted while starting a process in sandbox "
                    + sandbox, e);
        }
    }
}
