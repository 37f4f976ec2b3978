package dev.mags.agent;

import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A job as the control plane runs one on contract v2: a sandbox is created, one process runs in it, and once the
 * process has ended the sandbox is stopped at once (with its workspace's final sync). {@link #exit()} completes
 * with the process's exit once the sandbox is released.
 */
public final class Job {
    public final Sandbox sandbox;
    public final Exec exec;
    private final CompletableFuture<ExecExit> exit;

    private Job(Sandbox sandbox, Exec exec) {
        this.sandbox = sandbox;
        this.exec = exec;
        this.exit = exec.exit().thenCompose(e -> sandbox.stop(Duration.ZERO, true).thenApply(end -> e));
    }

    public static Job launch(Agent agent, JobSpec spec, ExecListener output) {
        return launch(agent, spec, output, CommandGate.OPEN);
    }

    /** Creates the sandbox and starts the process; a failed start stops the sandbox again. */
    public static Job launch(Agent agent, JobSpec spec, ExecListener output, CommandGate gate) {
        Sandbox sandbox = agent.create(spec.sandbox());
        try {
            return new Job(sandbox, sandbox.exec(spec.exec(), output, gate));
        } catch (RuntimeException e) {
            sandbox.stop(Duration.ZERO, false).join();
            throw e;
        }
    }

    public String id() {
        return sandbox.id().value();
    }

    /** The process's exit, as soon as it is known (the sandbox may still be being released). */
    public CompletableFuture<ExecExit> finished() {
        return exec.exit();
    }

    /** The process's exit, once the sandbox is released. */
    public CompletableFuture<ExecExit> exit() {
        return exit;
    }

    /** The container it runs in: the sandbox id, or a warm pool member's own. */
    public String containerId() {
        return ((dev.mags.agent.sandbox.LocalSandbox) sandbox).container().id();
    }

    public java.net.Socket connect(int port) throws java.io.IOException {
        return sandbox.connect(port);
    }

    public CompletableFuture<SandboxEnd> stop(Duration grace) {
        return sandbox.stop(grace, true);
    }
}
