package dev.mags.agent.sandbox;

import dev.mags.agent.cgroup.LimitEvents;
import dev.mags.agent.output.OutputGate;
import dev.mags.agent.output.OutputPump;
import dev.mags.agent.process.PipeReaders;
import dev.mags.agent.process.Signals;
import dev.mags.agent.process.Terminal;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecStream;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.PtySize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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
 * A process running in a sandbox, followed on a thread of its own: it waits for the reporting shell's exit code
 * (or the end of its code stream, when the container's kill ended the shell first), tells why the process ended
 * (its own exit, a limit it hit, its timeout, a stop), waits for the rest of its output and completes
 * {@link #exit()}. What a process leaves running in the background may keep its output open: after a short wait
 * the rest is dropped while the readers keep draining, so that it never blocks. Nothing is killed when it ends.
 */
public final class LocalExec implements Exec {
    private static final Logger log = LoggerFactory.getLogger(LocalExec.class);
    /** The exit code of a process whose container was killed before its shell could report one: SIGKILL's. */
    static final int KILLED = 128 + 9;
    /** How long output may stay open after the process ended (a background process holding it) in a live sandbox. */
    private static final Duration KEPT_DRAIN_WAIT = Duration.ofMillis(300);
    /** How long output may stay open after the sandbox was killed: only the kernel's end of the pipes is left. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);
    /** How often a held signal looks for the command the reporting shell forks (it does within milliseconds). */
    private static final Duration FORK_POLL = Duration.ofMillis(2);

    /** Why it ends, decided once: by a timeout or a stop of the sandbox, or by the process ending first. */
    private record Ending(ExitReason reason, String detail) {}

    private static final Ending BY_ITSELF = new Ending(ExitReason.EXITED, "");

    private final String name;
    private final Container container;
    private final StartedProcess process;
    private final OutputGate gate;
    private final boolean stdinAsked;
    private final LimitEvents eventsBefore;
    private final List<Thread> readers = new ArrayList<>();
    private final AtomicReference<Ending> ending = new AtomicReference<>();
    private final CompletableFuture<ExecExit> exit = new CompletableFuture<>();
    private volatile ScheduledFuture<?> timeoutTask;
    private volatile boolean sandboxEnding;
    /** Signals sent before the command was forked, oldest first; guarded by itself. */
    private final ArrayDeque<Integer> heldSignals = new ArrayDeque<>();

    LocalExec(String name, Container container, StartedProcess process, ExecListener listener, boolean stdinAsked,
            LimitEvents eventsBefore) {
        this.name = name;
        this.container = container;
        this.process = process;
        this.gate = new OutputGate(listener);
        this.stdinAsked = stdinAsked;
        this.eventsBefore = eventsBefore;
    }

    /**
     * Starts reading its output and following it. {@code onEnd} runs once {@link #exit()} is about to complete.
     *
     * @param timeout null for none; when it passes, the process gets SIGTERM, then SIGKILL after {@code grace}
     */
    void follow(SandboxShape shape, Duration timeout, Duration grace, ScheduledExecutorService timers,
            Consumer<LocalExec> onEnd) {
        readers.add(OutputPump.start(name, process.stdout(), ExecStream.STDOUT, gate));
        if (process.stderr() != null) {
            readers.add(OutputPump.start(name, process.stderr(), ExecStream.STDERR, gate));
        }
        if (timeout != null) {
            try {
                timeoutTask = timers.schedule(() -> timeOut(timeout, grace, timers), timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // the agent is closing: its stop ends this process
            }
        }
        PipeReaders.thread().name("exec-" + name).start(() -> awaitEnd(shape, onEnd));
    }

    @Override
    public OutputStream stdin() {
        if (!stdinAsked) {
            throw new IllegalStateException("exec " + name + " was started without stdin");
        }
        return process.stdin();
    }

    @Override
    public void resize(PtySize size) {
        if (process.terminal() == null || exit.isDone()) {
            return;
        }
        try {
            Terminal.resize(process.terminal(), size.cols(), size.rows());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code signal} to the command (the reporting shell's children), not to what it started. A signal sent
     * right after the start can come before the shell has forked the command: it is held and sent as soon as the
     * command exists (in the order signals came), or dropped when the process ends first.
     */
    @Override
    public void signal(int signal) {
        ProcessHandle reporter = process.reporter();
        if (reporter == null || exit.isDone()) {
            return;
        }
        synchronized (heldSignals) {
            if (heldSignals.isEmpty() && sendToCommand(reporter, signal)) {
                return;
            }
            heldSignals.add(signal);
            if (heldSignals.size() > 1) {
                return; // a deliverer is already waiting for the command
            }
        }
        Thread.ofVirtual().name("signal-" + name).start(() -> deliverHeld(reporter));
    }

    private static boolean sendToCommand(ProcessHandle reporter, int signal) {
        List<ProcessHandle> command = reporter.children().toList();
        command.forEach(child -> Signals.send(child, signal));
        return !command.isEmpty();
    }

    private void deliverHeld(ProcessHandle reporter) {
        try {
            while (!exit.isDone() && reporter.isAlive()) {
                synchronized (heldSignals) {
                    if (sendToCommand(reporter, heldSignals.getFirst())) {
                        heldSignals.removeFirst();
                        while (!heldSignals.isEmpty()) {
                            sendToCommand(reporter, heldSignals.removeFirst());
                        }
                        return;
                    }
                }
                Thread.sleep(FORK_POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("a signal to exec {} could not be sent: {}", name, e.toString());
        }
        synchronized (heldSignals) {
            heldSignals.clear(); // the process ended before its command started
        }
    }

    @Override
    public CompletableFuture<ExecExit> exit() {
        return exit;
    }

    /** Whether it still runs. */
    boolean running() {
        return !exit.isDone();
    }

    /** The sandbox ends: if this process has not ended yet, that is why it ends. */
    void sandboxEnds(ExitReason reason, String detail) {
        sandboxEnding = true;
        ending.compareAndSet(null, new Ending(reason, detail));
    }

    private void timeOut(Duration timeout, Duration grace, ScheduledExecutorService timers) {
        if (ending.compareAndSet(null, new Ending(ExitReason.TIMED_OUT, "timed out after " + describe(timeout)))) {
            signal(Signals.SIGTERM);
            try {
                timers.schedule(() -> signal(Signals.SIGKILL), grace.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                signal(Signals.SIGKILL);
            }
        }
    }

    private void awaitEnd(SandboxShape shape, Consumer<LocalExec> onEnd) {
        Integer code = null;
        Ending end = new Ending(ExitReason.FAILED, "the agent lost track of the process");
        try {
            code = readCode(process.code());
            ScheduledFuture<?> task = timeoutTask;
            if (task != null) {
                task.cancel(false);
            }
            boolean byItself = ending.compareAndSet(null, BY_ITSELF);
            end = byItself ? diagnose(code, shape) : ending.get();
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("following exec {} failed", name, e);
            end = new Ending(ExitReason.FAILED, "following the process failed: " + e);
        } finally {
            gate.close();
            closeQuietly(process.code());
            process.release().run();
            try {
                onEnd.accept(this);
            } finally {
                exit.complete(new ExecExit(code, end.reason(), end.detail()));
            }
        }
    }

    /** "N\n" then end of file; end of file alone when the reporting shell was killed. */
    private static int readCode(InputStream code) {
        try {
            String text = new String(code.readAllBytes(), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? KILLED : Integer.parseInt(text);
        } catch (IOException | NumberFormatException e) {
            return KILLED;
        }
    }

    /**
     * The process ended by itself: a limit the sandbox hit while it ran (read from the cgroups and the disk
     * before they go), or the container's init killed from outside (which ends every process in it), or its
     * own exit.
     */
    private Ending diagnose(int code, SandboxShape shape) {
        try {
            boolean initAlive = code == 0 || container.isAlive();
            ExecExit diagnosed = ExitDiagnosis.diagnose(code, shape.limits(), container.limitEvents().since(eventsBefore),
                    container.diskUsableBytes());
            if (diagnosed.reason() == ExitReason.EXITED && code != 0 && !initAlive) {
                return new Ending(ExitReason.FAILED, "the sandbox's init process was killed from outside the sandbox,"
                        + " which ended every process in it");
            }
            return new Ending(diagnosed.reason(), diagnosed.detail());
        } catch (RuntimeException e) {
            log.warn("cannot tell whether exec {} hit a limit: {}", name, e.toString());
            return BY_ITSELF;
        }
    }

    /** Waits for the readers' end of file, briefly while the sandbox lives, then drops the rest. */
    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + (sandboxEnding ? DRAIN_WAIT : KEPT_DRAIN_WAIT).toNanos();
        for (Thread reader : readers) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (!reader.join(Duration.ofMillis(left))) {
                return;
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // released either way
        }
    }

    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public String toString() {
        return "exec " + name;
    }
}
