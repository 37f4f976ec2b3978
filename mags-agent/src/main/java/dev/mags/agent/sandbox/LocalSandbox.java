package dev.mags.agent.sandbox;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.runtime.Runc;
import dev.mags.agent.runtime.RuntimeLog;
import dev.mags.protocol.v1.ExitReason;
import dev.mags.protocol.v1.RunningSandbox;
import dev.mags.protocol.v1.SandboxExit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
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
 * A started sandbox: the foreground runtime process, its two output readers and the cleanup stack of
 * everything acquired for it. One virtual thread waits for the process, then for all output, then
 * releases the resources, and only then completes {@link #exit()}.
 */
public final class LocalSandbox implements RunningSandbox {
    private static final Logger log = LoggerFactory.getLogger(LocalSandbox.class);
    /** After SIGKILL the kernel ends the process at once; this only bounds a wedged runtime. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** How long output may keep flowing after the runtime exited before we force the container down. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);

    /** Why the sandbox ends, decided once: by the first stop request or by the process exiting first. */
    private record Ending(ExitReason reason, String detail) {}

    private final String id;
    private final Process process;
    private final List<Thread> readers;
    private final CleanupStack cleanup;
    private final Runc runc;
    private final Path runtimeLog;
    private final CompletableFuture<SandboxExit> exit = new CompletableFuture<>();
    private final AtomicReference<Ending> ending = new AtomicReference<>();
    private volatile ScheduledFuture<?> timeoutTask;

    LocalSandbox(String id, Process process, List<Thread> readers, CleanupStack cleanup, Runc runc, Path runtimeLog) {
        this.id = id;
        this.process = process;
        this.readers = List.copyOf(readers);
        this.cleanup = cleanup;
        this.runc = runc;
        this.runtimeLog = runtimeLog;
    }

    /**
     * Starts watching the process. Separate from construction so the agent can register the sandbox
     * before its end can be reported.
     *
     * @param timeout null for none; when it passes, the sandbox is stopped with {@code grace}
     * @param onReleased called once all resources are released, just before {@link #exit()} completes
     */
    public void supervise(Duration timeout, Duration grace, ScheduledExecutorService timers,
            Consumer<LocalSandbox> onReleased) {
        Objects.requireNonNull(onReleased, "onReleased");
        // Timer first: the watcher cancels it when the process ends, which may be at once.
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

    @Override
    public CompletableFuture<SandboxExit> exit() {
        return exit;
    }

    @Override
    public int forwardPort(int sandboxPort) {
        throw new dev.mags.protocol.v1.AgentException(dev.mags.protocol.v1.AgentErrorCode.INVALID_SPEC,
                "sandbox " + sandboxId() + " has no network to forward port " + sandboxPort + " into");
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

    /** SIGTERM to the container's init, SIGKILL after the grace period (which ends its whole PID namespace). */
    private void terminate(Duration grace) {
        try {
            signal("TERM");
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            signal("KILL");
            if (process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            log.warn("sandbox {} survived SIGKILL for {}; deleting the container by force", id, KILL_WAIT);
            forceDelete();
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal(String signal) {
        try {
            runc.kill(id, signal);
        } catch (CommandFailedException e) {
            // Usually the container ended on its own between our decision and the signal.
            log.debug("sending {} to sandbox {} failed: {}", signal, id, e.getMessage());
        }
    }

    private void forceDelete() {
        try {
            runc.deleteForce(id);
        } catch (CommandFailedException e) {
            log.debug("force-deleting sandbox {} failed: {}", id, e.getMessage());
        }
    }

    private void awaitEnd(Consumer<LocalSandbox> onReleased) {
        Integer code = null;
        Ending end = new Ending(ExitReason.FAILED, "the agent lost track of the sandbox");
        try {
            code = process.waitFor();
            end = decideEnding();
            drainOutput();
            cancelTimeout();
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
                exit.complete(new SandboxExit(code, end.reason(), end.detail()));
            }
        }
    }

    /** A stop request wins if it came first; otherwise the process ended by itself, or the runtime failed. */
    private Ending decideEnding() {
        if (ending.compareAndSet(null, new Ending(ExitReason.EXITED, ""))) {
            List<String> errors = RuntimeLog.errors(runtimeLog);
            if (!errors.isEmpty()) {
                return new Ending(ExitReason.FAILED, "the runtime failed: " + String.join("; ", errors));
            }
        }
        return ending.get();
    }

    /** Waits for both readers' EOF, so that every line is delivered before exit() completes. */
    private void drainOutput() throws InterruptedException {
        if (joinAll(DRAIN_WAIT)) {
            return;
        }
        // Something in the container still holds the pipes (the runtime itself was killed, say):
        // kill what is left so the pipes close.
        log.warn("sandbox {} output still open {} after its runtime exited; deleting the container", id, DRAIN_WAIT);
        forceDelete();
        if (!joinAll(KILL_WAIT)) {
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

    /** Unwinds the cleanup stack; a failure is reported in the detail and left for reconcile. */
    private Ending release(Ending end) {
        try {
            cleanup.close();
            return end;
        } catch (CleanupStack.CleanupException e) {
            log.warn("sandbox {} was not fully cleaned up: {}", id, e.allMessages());
            String prefix = end.detail().isEmpty() ? "" : end.detail() + "; ";
            return new Ending(end.reason(), prefix + "cleanup incomplete: " + e.allMessages());
        }
    }

    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
