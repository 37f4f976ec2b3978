package dev.mags.agent.sandbox;

import dev.mags.agent.output.OutputGate;
import dev.mags.agent.runtime.RuntimeLog;
import dev.mags.protocol.v1.AgentErrorCode;
import dev.mags.protocol.v1.AgentException;
import dev.mags.protocol.v1.ExitReason;
import dev.mags.protocol.v1.RunningSandbox;
import dev.mags.protocol.v1.SandboxExit;
import dev.mags.protocol.v1.SandboxLimits;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job running in a container: the command (handed to the init's standby shell, or a foreground
 * {@code runc exec}), its two output readers and
 * the container. One virtual thread waits for the command to end, tells why it ended (a stop request,
 * or the command itself, or a limit it hit), kills the container so that nothing the job left running
 * survives, waits for all output, completes {@link #finished()}, releases the container, and only
 * then completes {@link #exit()}. Releasing (runtime delete, network, mounts, disk: tens of ms) is
 * thus off the path of a caller that only needs the outcome.
 */
public final class LocalSandbox implements RunningSandbox {
    private static final Logger log = LoggerFactory.getLogger(LocalSandbox.class);
    /** How long output may keep flowing after the container was killed before we force it down. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);
    /** The longest pause between two looks at whether the command still runs. */
    private static final Duration POLL_MAX = Duration.ofMillis(50);
    /** How long a kept container's output may stay open after its command ended (a background process holding it). */
    private static final Duration KEPT_DRAIN_WAIT = Duration.ofMillis(300);
    /** How long the marker line may take from the command's end through the runtime's copy to us. */
    private static final Duration MARKER_WAIT = Duration.ofSeconds(2);

    /** Why the sandbox ends, decided once: by the first stop request or by the command ending first. */
    private record Ending(ExitReason reason, String detail) {}

    private static final Ending BY_ITSELF = new Ending(ExitReason.EXITED, "");

    private final String id;
    private final Container container;
    private final RunningCommand exec;
    private final CommandProcess command;
    private final List<Thread> readers;
    private final OutputGate gate;
    private final SandboxLimits limits;
    private final AfterCommand after;
    /** Null unless the container is to be kept: then the exit code comes from it, not from the runtime. */
    private final ExitMarker marker;
    private volatile boolean kept;
    private final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();
    private final CompletableFuture<SandboxExit> finished = new CompletableFuture<>();
    private final AtomicReference<Ending> ending = new AtomicReference<>();
    private volatile ScheduledFuture<?> timeoutTask;

    /**
     * @param exec the process that tells the command's end and exit code
     * @param command the command's own process, which a stop request sends SIGTERM to
     */
    LocalSandbox(String id, Container container, RunningCommand exec, CommandProcess command, List<Thread> readers,
            OutputGate gate, SandboxLimits limits, AfterCommand after, ExitMarker marker) {
        this.marker = marker;
        this.gate = gate;
        this.after = after;
        this.id = id;
        this.container = container;
        this.exec = exec;
        this.command = command;
        this.readers = List.copyOf(readers);
        this.limits = limits;
    }

    /**
     * Starts watching the command. Separate from construction so the agent can register the sandbox
     * before its end can be reported.
     *
     * @param timeout null for none; when it passes, the sandbox is stopped with {@code grace}
     * @param onReleased called once all resources are released, just before {@link #exit()} completes
     */
    public void supervise(Duration timeout, Duration grace, ScheduledExecutorService timers,
            Consumer<LocalSandbox> onReleased) {
        Objects.requireNonNull(onReleased, "onReleased");
        // Timer first: the watcher cancels it when the command ends, which may be at once.
        if (timeout != null) {
            try {
                timeoutTask = timers.schedule(
                        () -> end(ExitReason.TIMED_OUT, "timed out after " + describe(timeout), grace),
                        timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                shutdown(grace); // the agent closed while this sandbox started
            }
        }
        Thread.ofVirtual().name("sandbox-" + id).start(() -> awaitEnd(onReleased));
    }

    @Override
    public String sandboxId() {
        return id;
    }

    /** The runtime's container the job runs in (a warm pool member's id differs from the sandbox id). */
    public String containerId() {
        return container.id();
    }

    /** The container this sandbox ran in, which stays when {@link #kept()}. */
    public Container container() {
        return container;
    }

    /** Whether the container stayed alive after the command (known once {@link #exit()} completed). */
    public boolean kept() {
        return kept;
    }

    @Override
    public CompletableFuture<SandboxExit> exit() {
        return exit;
    }

    @Override
    public CompletableFuture<SandboxExit> finished() {
        return finished;
    }

    @Override
    public int forwardPort(int sandboxPort) {
        return container.forwardPort(sandboxPort);
    }

    @Override
    public void stop(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        end(ExitReason.STOPPED, "stopped", grace);
    }

    /** Stops the sandbox because the agent closes. */
    public void shutdown(Duration grace) {
        end(ExitReason.AGENT_SHUTDOWN, "the agent shut down", grace);
    }

    private void end(ExitReason reason, String detail, Duration grace) {
        if (ending.compareAndSet(null, new Ending(reason, detail))) {
            Thread.ofVirtual().name("stop-" + id).start(() -> terminate(grace));
        }
    }

    /** SIGTERM to the job's command, then SIGKILL to the whole container after the grace period. */
    private void terminate(Duration grace) {
        try {
            command.terminate();
            if (awaitCommand(grace)) {
                return;
            }
            container.kill(); // the supervising thread sees the command end and does the rest
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitEnd(Consumer<LocalSandbox> onReleased) {
        Integer code = null;
        Ending end = new Ending(ExitReason.FAILED, "the agent lost track of the sandbox");
        try {
            awaitCommand(null);
            boolean byItself = ending.compareAndSet(null, BY_ITSELF); // unless a stop request came first
            boolean initAlive = container.isAlive();
            if (after.keepContainer() && byItself && initAlive) {
                code = reportedCode();
                end = diagnose(code, true);
                keepDraining();
                cancelTimeout();
                kept = true;
                return;
            }
            container.kill(); // what the job left running in the background ends with it, and the output's writers
            code = awaitRuntime();
            end = byItself ? diagnose(code, initAlive) : ending.get();
            drainOutput();
            cancelTimeout();
            end = withNote(end, after.beforeRelease().get());
            finished.complete(new SandboxExit(code, end.reason(), end.detail()));
            end = release(end);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = release(end);
        } catch (RuntimeException e) {
            log.error("supervising sandbox {} failed", id, e);
            end = release(new Ending(ExitReason.FAILED, "supervising the sandbox failed: " + e));
        } finally {
            try {
                onReleased.accept(this);
            } finally {
                SandboxExit result = new SandboxExit(code, end.reason(), end.detail());
                finished.complete(result); // unless the outcome was known before the release
                exit.complete(result);
            }
        }
    }

    /**
     * Waits until the command has ended (or its runtime process, if that comes first), up to
     * {@code wait} (null: as long as it takes). The command is polled, often at first and then
     * every {@link #POLL_MAX}: short jobs end promptly, long ones cost little.
     */
    private boolean awaitCommand(Duration wait) throws InterruptedException {
        long deadline = wait == null ? Long.MAX_VALUE : System.nanoTime() + wait.toNanos();
        long pollMillis = 1;
        while (!exec.waitFor(pollMillis)) {
            if (command.hasEnded()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            pollMillis = Math.min(POLL_MAX.toMillis(), pollMillis + 1);
        }
        return true;
    }

    /**
     * The exit code of a command in a kept container: from its marker line, or from the runtime when
     * that has exited (no background process held the output), else unknown (-1).
     */
    private int reportedCode() throws InterruptedException {
        Optional<Integer> reported = marker == null ? Optional.empty() : marker.await(MARKER_WAIT);
        if (reported.isPresent()) {
            return reported.get();
        }
        if (exec.waitFor(10)) {
            return exec.exitValue();
        }
        log.warn("sandbox {}: the command ended without reporting its exit code", id);
        return -1;
    }

    /** The command's exit code, which the runtime reports once the container is down. */
    private int awaitRuntime() throws InterruptedException {
        if (exec.waitFor(Container.KILL_WAIT.toMillis())) {
            return exec.exitValue();
        }
        log.warn("sandbox {}: the runtime still runs {} after its container was killed; ending it", id, Container.KILL_WAIT);
        exec.destroyForcibly();
        return exec.exitValue();
    }

    /**
     * The command ended by itself: the runtime failed, or it hit a limit (read from the cgroups and
     * the disk before they go), or the container's init was killed from outside (which ends every
     * process in it), or it simply exited.
     */
    private Ending diagnose(int code, boolean initAlive) {
        List<String> errors = RuntimeLog.errors(container.paths().execLog());
        if (!errors.isEmpty()) {
            return new Ending(ExitReason.FAILED, "the runtime failed: " + String.join("; ", errors));
        }
        try {
            SandboxExit diagnosed = ExitDiagnosis.diagnose(code, limits, container.limitEvents(),
                    container.diskUsableBytes());
            if (diagnosed.reason() == ExitReason.EXITED && code != 0 && !initAlive) {
                return new Ending(ExitReason.FAILED, "the sandbox's init process was killed from outside the sandbox,"
                        + " which ended every process in it");
            }
            return new Ending(diagnosed.reason(), diagnosed.detail());
        } catch (RuntimeException e) {
            log.warn("cannot tell whether sandbox {} hit a limit: {}", id, e.toString());
            return BY_ITSELF;
        }
    }

    /**
     * The command of a kept container has ended: its output is complete once both readers see EOF,
     * unless something it started in the background still holds the output open. Then, after a short
     * wait, the rest is dropped while the readers go on draining (a full pipe would block that process).
     */
    private void keepDraining() throws InterruptedException {
        joinAll(KEPT_DRAIN_WAIT);
        gate.close();
    }

    private static Ending withNote(Ending end, String note) {
        if (note == null || note.isEmpty()) {
            return end;
        }
        return new Ending(end.reason(), end.detail().isEmpty() ? note : end.detail() + "; " + note);
    }

    /** Waits for both readers' EOF, so that every line is delivered before exit() completes. */
    private void drainOutput() throws InterruptedException {
        if (joinAll(DRAIN_WAIT)) {
            return;
        }
        log.warn("sandbox {} output still open {} after its container was killed; ending its runtime process", id,
                DRAIN_WAIT);
        exec.destroyForcibly();
        if (!joinAll(Container.KILL_WAIT)) {
            log.warn("sandbox {} output still open; giving up on the rest of it", id);
        }
    }

    private boolean joinAll(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (Thread reader : readers) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (!reader.join(Duration.ofMillis(left))) {
                return false;
            }
        }
        return true;
    }

    private void cancelTimeout() {
        ScheduledFuture<?> task = timeoutTask;
        if (task != null) {
            task.cancel(false);
        }
    }

    /** Releases the container; a failure is reported in the detail and left for reconcile. */
    private Ending release(Ending end) {
        try {
            container.release();
            return end;
        } catch (CleanupStack.CleanupException e) {
            log.warn("sandbox {} (container {}) was not fully cleaned up: {}", id, container.id(), e.allMessages());
            String prefix = end.detail().isEmpty() ? "" : end.detail() + "; ";
            return new Ending(end.reason(), prefix + "cleanup incomplete: " + e.allMessages());
        }
    }

    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
