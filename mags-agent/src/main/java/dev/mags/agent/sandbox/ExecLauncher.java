package dev.mags.agent.sandbox;

import dev.mags.agent.bundle.ExecProcess;
import dev.mags.agent.output.OutputGate;
import dev.mags.agent.output.OutputPump;
import dev.mags.agent.runtime.Runc;
import dev.mags.agent.runtime.RuntimeLog;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.CommandGate;
import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.OutputStream;
import dev.mags.protocol.v1.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a job's command in a ready {@link Container} with {@code runc exec} in the foreground (stdin
 * {@code /dev/null}, stdout and stderr piped, in {@code /root}, the job's environment on top of the
 * container's, passed in a process file rather than on the command line) and returns once the command runs. If the command cannot be started, the container is
 * released and nothing is left; either way the container never runs another command.
 */
public final class ExecLauncher {
    /** Bounds the wait for the runtime to start the command (tens of ms normally). */
    private static final Duration START_WAIT = Duration.ofSeconds(10);
    static final String WORKING_DIRECTORY = "/root";

    private final Runc runc;

    public ExecLauncher(Runc runc) {
        this.runc = runc;
    }

    /**
     * Checks what the runtime's command line cannot express, before a container is spent on it.
     *
     * @throws AgentException INVALID_SPEC naming the problem
     */
    public static void validate(SandboxSpec spec) {
        for (var variable : spec.environment().entrySet()) {
            String name = variable.getKey();
            // A '=' in the name would silently become part of the value; NUL cannot pass execve.
            if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0) {
                throw invalid(spec, "environment variable name '" + name + "' is not valid");
            }
            if (variable.getValue().indexOf('\0') >= 0) {
                throw invalid(spec, "environment variable " + name + " contains a NUL character");
            }
        }
        if (spec.command().stream().anyMatch(arg -> arg.indexOf('\0') >= 0)) {
            throw invalid(spec, "a command argument contains a NUL character");
        }
    }

    private static AgentException invalid(SandboxSpec spec, String problem) {
        return new AgentException(AgentErrorCode.INVALID_SPEC, "sandbox " + spec.sandboxId() + ": " + problem);
    }

    /**
     * Starts {@code spec}'s command in {@code container}; with {@code again}, in a container kept after
     * an earlier command (no command may run in it now), else in a fresh one. A fresh container's command
     * goes to its {@link InitStandby} when the standby can express it, else to a {@code runc exec}.
     * {@code commandGate} is called right before the command is handed over; if it throws, the container
     * is released and the command never starts. The caller must call {@link LocalSandbox#supervise}.
     */
    public LocalSandbox start(Container container, SandboxSpec spec, OutputListener output, AfterCommand after,
            boolean again, CommandGate commandGate) {
        if (!again && !container.take()) {
            throw new IllegalStateException(container + " was already handed to a job");
        }
        try {
            commandGate.beforeCommand();
        } catch (RuntimeException e) {
            try {
                container.release();
            } catch (CleanupStack.CleanupException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e;
        }
        String id = spec.sandboxId();
        SandboxPaths paths = container.paths();
        InitCommand handed = again ? null : handToStandby(container, spec);
        if (handed != null) {
            ExitMarker marker = handed.marker();
            OutputGate gate = new OutputGate(output);
            OutputListener sink = marker.filter(gate);
            List<Thread> readers = List.of(
                    OutputPump.start(id, handed.stdout(), OutputStream.STDOUT, sink),
                    OutputPump.start(id, handed.stderr(), OutputStream.STDERR, sink));
            gate.open();
            return new LocalSandbox(id, container, handed, CommandProcess.reportedBy(handed.reporter()), readers, gate,
                    spec.limits(), after, marker);
        }
        ExitMarker marker = after.keepContainer() ? new ExitMarker() : null;
        List<String> command = marker == null ? spec.command() : marker.wrap(spec.command());
        Process exec;
        try {
            // An earlier command's pid and runtime errors must not be taken for this one's.
            Files.deleteIfExists(paths.execPid());
            Files.deleteIfExists(paths.execLog());
            Files.writeString(paths.label(), id + "\n");
            ExecProcess.write(paths.bundle(), paths.execProcess(), command, spec.environment(), WORKING_DIRECTORY);
            exec = runc.exec(container.id(), paths.execProcess(), paths.execPid(), paths.execLog());
        } catch (IOException e) {
            throw released(container, new AgentException(AgentErrorCode.RUNTIME_FAILED,
                    "cannot start the OCI runtime for sandbox " + id + ": " + e.getMessage(), e));
        }
        OutputGate gate = new OutputGate(output);
        OutputListener sink = marker == null ? gate : marker.filter(gate);
        List<Thread> readers = List.of(
                OutputPump.start(id, exec.getInputStream(), OutputStream.STDOUT, sink),
                OutputPump.start(id, exec.getErrorStream(), OutputStream.STDERR, sink));
        awaitStarted(id, exec, paths, container);
        if (!exec.isAlive()) {
            List<String> errors = RuntimeLog.errors(paths.execLog());
            if (!errors.isEmpty()) {
                gate.discard(); // the runtime's error text, which is in the exception, not the job's output
                String message = "the OCI runtime could not start the command of sandbox " + id + ": " + String.join("; ", errors);
                throw released(container, container.isAlive()
                        ? new AgentException(AgentErrorCode.RUNTIME_FAILED, message)
                        : new ContainerGoneException(message + " (the container's init had died)"));
            }
        }
        gate.open();
        return new LocalSandbox(id, container, new RuntimeExecCommand(exec), new CommandProcess(paths.execPid(),
                marker != null), readers, gate, spec.limits(), after, marker);
    }

    /**
     * The container's standby shell turned into the job's command, or null when the job needs its own
     * exec (a job the standby cannot express, a dead standby, none left): the standby is then dismissed.
     */
    private static InitCommand handToStandby(Container container, SandboxSpec spec) {
        InitStandby standby = container.takeStandby();
        if (standby == null) {
            return null;
        }
        var text = InitStandby.jobText(spec.command(), spec.environment());
        if (text.isPresent() && standby.isAlive()) {
            try {
                Files.writeString(container.paths().label(), spec.sandboxId() + "\n");
                return standby.hand(text.get());
            } catch (IOException e) {
                // the shell died after the check: run the command on its own
            }
        }
        standby.dismiss();
        return null;
    }

    /**
     * Waits until the command runs, or the runtime exited: then either the command was quick and is
     * done already, or the runtime failed and says so in its log.
     */
    private void awaitStarted(String id, Process exec, SandboxPaths paths, Container container) {
        try {
            waitForStart(exec, paths);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exec.destroyForcibly();
            throw released(container, new AgentException(AgentErrorCode.RUNTIME_FAILED,
                    "interrupted while starting sandbox " + id, e));
        }
    }

    /** Waits until the runtime has started the command, or has exited, or {@link #START_WAIT} has passed. */
    private void waitForStart(Process exec, SandboxPaths paths) throws InterruptedException {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (!exec.waitFor(1, TimeUnit.MILLISECONDS)) {
            if (runc.hasExecStarted(paths.execPid()) || System.nanoTime() > deadline) {
                return; // past the deadline: a runtime whose progress we cannot see; treat as started
            }
        }
    }

    private static AgentException released(Container container, AgentException failure) {
        try {
            container.release();
        } catch (CleanupStack.CleanupException cleanupFailure) {
            failure.addSuppressed(cleanupFailure);
        }
        return failure;
    }
}
