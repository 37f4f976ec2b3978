package dev.mags.agent.sandbox;

import dev.mags.agent.cgroup.LimitEvents;
import dev.mags.agent.files.RootedFiles;
import dev.mags.agent.process.Signals;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.Exec;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.ExitReason;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxEnd;
import dev.mags.protocol.v2.SandboxFiles;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxInfo;
import dev.mags.protocol.v2.SandboxSpec;
import dev.mags.protocol.v2.SandboxState;
import dev.mags.protocol.v2.SandboxUse;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox on this host: a {@link Container} that takes any number of processes, several at once, until it is
 * stopped or its init dies. Its end, decided once (a stop, the agent's shutdown, or the init's death), runs on a
 * thread of its own: SIGTERM to every process but the init, SIGKILL to the whole container once they are gone or
 * the grace period has passed, the processes' last output, the final sync of its workspace, the release of the
 * container; then {@link #ended()} completes.
 */
public final class LocalSandbox implements Sandbox {
    private static final Logger log = LoggerFactory.getLogger(LocalSandbox.class);
    /** How often a stop looks whether the processes it sent SIGTERM to are gone. */
    private static final Duration TERM_POLL = Duration.ofMillis(10);

    private record Ending(ExitReason reason, String detail, boolean sync) {}

    private final SandboxSpec spec;
    private final Container container;
    private final ExecLauncher launcher;
    private final RootedFiles files;
    private final SandboxHooks hooks;
    private final ScheduledExecutorService timers;
    /** Between SIGTERM and SIGKILL for a process whose timeout passed. */
    private final Duration execGrace;
    private final Instant createdAt = Instant.now();
    private final Set<LocalExec> execs = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<SandboxEnd> ended = new CompletableFuture<>();
    /** Guards the state, the exec counter and the ending. */
    private final Object lifecycle = new Object();
    private SandboxState state = SandboxState.RUNNING;
    private Ending ending;
    private int execCount;

    public LocalSandbox(SandboxSpec spec, Container container, ExecLauncher launcher, RootedFiles files,
            SandboxHooks hooks, ScheduledExecutorService timers, Duration execGrace) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.container = container;
        this.launcher = launcher;
        this.files = files;
        this.hooks = hooks;
        this.timers = timers;
        this.execGrace = execGrace;
    }

    @Override
    public SandboxId id() {
        return spec.id();
    }

    public SandboxSpec spec() {
        return spec;
    }

    /** The container it runs in (a warm pool member's id differs from the sandbox's). */
    public Container container() {
        return container;
    }

    @Override
    public SandboxState state() {
        synchronized (lifecycle) {
            return state;
        }
    }

    public SandboxInfo info() {
        return new SandboxInfo(id(), state(), spec.workspace() == null ? null : spec.workspace().key(), spec.limits(),
                createdAt, (int) execs.stream().filter(LocalExec::running).count());
    }

    @Override
    public Exec exec(ExecSpec exec, ExecListener listener, CommandGate gate) {
        Objects.requireNonNull(exec, "exec");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(gate, "gate");
        int n;
        synchronized (lifecycle) {
            requireRunning("start a process in");
            n = ++execCount;
        }
        Map<String, String> environment = new HashMap<>(spec.environment());
        environment.putAll(exec.environment());
        LocalExec started = launcher.start(container, id().value(), n, exec, environment, listener, gate);
        execs.add(started);
        synchronized (lifecycle) {
            if (ending != null) {
                started.sandboxEnds(ending.reason(), ending.detail()); // a stop began while it started
            }
        }
        started.follow(container.shape(), exec.timeout(), execGrace, timers, execs::remove);
        return started;
    }

    private void requireRunning(String what) {
        if (state == SandboxState.FROZEN) {
            throw new AgentException(AgentErrorCode.FROZEN, "sandbox " + id() + " is frozen; thaw it to " + what + " it");
        }
        if (state != SandboxState.RUNNING) {
            throw new AgentException(AgentErrorCode.NOT_FOUND, "sandbox " + id() + " has ended");
        }
    }

    @Override
    public Socket connect(int sandboxPort) throws IOException {
        synchronized (lifecycle) {
            requireRunning("connect to");
        }
        return container.connect(sandboxPort);
    }

    @Override
    public <T> T dial(int sandboxPort, Opener<T> opener) throws IOException {
        synchronized (lifecycle) {
            requireRunning("connect to");
        }
        return container.dial(sandboxPort, opener);
    }

    @Override
    public SandboxFiles files() {
        return files;
    }

    @Override
    public void freeze() {
        synchronized (lifecycle) {
            if (state == SandboxState.FROZEN) {
                return;
            }
            requireRunning("freeze");
            container.freeze();
            state = SandboxState.FROZEN;
        }
    }

    @Override
    public void thaw() {
        synchronized (lifecycle) {
            if (state == SandboxState.FROZEN) {
                container.thaw();
                state = SandboxState.RUNNING;
            }
        }
    }

    @Override
    public CompletableFuture<SandboxEnd> stop(Duration grace, boolean sync) {
        Objects.requireNonNull(grace, "grace");
        end(new Ending(ExitReason.STOPPED, "stopped", sync), grace);
        return ended;
    }

    /** Stops the sandbox because the agent closes; a stored workspace gets its final sync. */
    public CompletableFuture<SandboxEnd> shutdown(Duration grace) {
        end(new Ending(ExitReason.AGENT_SHUTDOWN, "the agent shut down", true), grace);
        return ended;
    }

    @Override
    public CompletableFuture<SandboxEnd> ended() {
        return ended;
    }

    /**
     * Ends the sandbox if its init has died (the kernel's OOM killer, a kill from outside): what it ran is gone,
     * its workspace gets its final sync and everything is released. Called from time to time by the agent.
     */
    public void checkAlive() {
        synchronized (lifecycle) {
            if (ending != null) {
                return;
            }
        }
        if (container.isAlive()) {
            return;
        }
        LimitEvents events = readEvents();
        Ending why = events.oomKills() > 0
                ? new Ending(ExitReason.OUT_OF_MEMORY, "its init was killed out of memory (limit "
                        + ByteSizes.binary(spec.limits().memoryBytes()) + ")", true)
                : new Ending(ExitReason.FAILED, "its init process died (killed from outside the sandbox)", true);
        log.info("sandbox {}: {}; releasing it", id(), why.detail());
        end(why, Duration.ZERO);
    }

    private LimitEvents readEvents() {
        try {
            return container.limitEvents();
        } catch (RuntimeException e) {
            return LimitEvents.NONE;
        }
    }

    /** The cgroups' accounting, once nothing runs any more; nothing known is better than a sandbox that cannot end. */
    private SandboxUse readUse() {
        try {
            return container.use();
        } catch (RuntimeException e) {
            log.warn("sandbox {}: cannot read its CPU and memory accounting: {}", id(), e.getMessage());
            return SandboxUse.NONE;
        }
    }

    private void end(Ending why, Duration grace) {
        synchronized (lifecycle) {
            if (ending != null) {
                return;
            }
            ending = why;
            if (state == SandboxState.FROZEN) {
                try {
                    container.thaw(); // a frozen task takes no signal, SIGKILL included
                } catch (AgentException e) {
                    log.warn("sandbox {}: {}", id(), e.getMessage());
                }
            }
            state = SandboxState.ENDING;
        }
        execs.forEach(e -> e.sandboxEnds(why.reason(), why.detail()));
        Thread.ofVirtual().name("end-" + id()).start(() -> finish(why, grace));
    }

    private void finish(Ending why, Duration grace) {
        String detail = why.detail();
        SandboxHooks.FinalSync sync = SandboxHooks.FinalSync.NONE;
        SandboxUse use = SandboxUse.NONE;
        try {
            terminate(grace);
            container.kill(); // what still runs, and the init: the PID namespace ends with it
            awaitExecs();
            use = readUse();
            sync = hooks.beforeRelease(why.sync());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("ending sandbox {} failed", id(), e);
            detail = detail + "; ending it failed: " + e;
        } finally {
            files.close(); // an open file would keep the overlay busy
            try {
                container.release();
            } catch (CleanupStack.CleanupException e) {
                log.warn("sandbox {} (container {}) was not fully cleaned up: {}", id(), container.id(), e.allMessages());
                detail = detail + "; cleanup incomplete: " + e.allMessages();
            }
            try {
                hooks.released(this);
            } finally {
                synchronized (lifecycle) {
                    state = SandboxState.ENDED;
                }
                ended.complete(new SandboxEnd(why.reason(), detail, sync.result(), sync.failure(), use));
            }
        }
    }

    /** SIGTERM to every process but the init, then a wait until they are gone, at most {@code grace}. */
    private void terminate(Duration grace) throws InterruptedException {
        if (grace.isZero() || grace.isNegative()) {
            return;
        }
        var processes = container.userProcesses();
        processes.forEach(p -> Signals.send(p, Signals.SIGTERM));
        long deadline = System.nanoTime() + grace.toNanos();
        while (!processes.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(TERM_POLL);
            processes = container.userProcesses();
        }
    }

    /** Waits, bounded, for every exec to have reported its end (their shells died with the container). */
    private void awaitExecs() throws InterruptedException {
        long deadline = System.nanoTime() + Container.KILL_WAIT.toNanos();
        for (LocalExec e : Set.copyOf(execs)) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            try {
                e.exit().get(left, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ex) {
                log.warn("sandbox {}: {} did not report its end after the container was killed", id(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "sandbox " + id() + " (" + container + ")";
    }
}
