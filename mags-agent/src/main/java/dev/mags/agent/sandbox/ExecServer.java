package dev.mags.agent.sandbox;

import dev.mags.agent.bundle.BundleSpec;
import dev.mags.agent.bundle.ExecProcess;
import dev.mags.agent.process.Fd;
import dev.mags.agent.process.NsChildren;
import dev.mags.agent.process.OrphanReaper;
import dev.mags.agent.process.Spawned;
import dev.mags.agent.runtime.ProcStat;
import dev.mags.agent.runtime.Runc;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.storage.tree.NativeFs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a live sandbox's processes from inside it, in about a millisecond instead of the tens of a
 * {@code runc exec}: a small shell of the host's busybox in the sandbox ({@link #SPAWNER}, started once with
 * {@code runc exec}, so it has every property a runtime exec gives: the container's user namespace, cgroup,
 * capabilities, seccomp filter, limits; detached with {@code start-stop-daemon -b}, so that its parent is the
 * sandbox's init, not this process, and its end never holds up the pid namespace's) waits on a FIFO of the sandbox's {@code io/} directory for the name of a
 * slot, and for each starts a detached shell ({@code start-stop-daemon -b}, a foreground command of the spawner, so
 * it keeps the spawner's signal dispositions, which a background job of a script would not). That shell
 * ({@link ExecSlot}) opens the slot's output FIFOs, reports its pid and waits for its lines: an exec writes them,
 * and they run the same reporting shell as a runtime exec ({@link RuntimeExec#REPORTER}). Each exec has the next
 * slot made beside it, so that the next exec finds a shell waiting.
 *
 * <p>The directory is bind-mounted read-only: the sandbox cannot create, rename or replace anything in it, so the
 * agent's paths there are its own. The environment goes through a FIFO, never into a file. What the lines cannot
 * express (variable names that are no shell identifiers, {@code SHLVL}, a text past {@link InitStandby#MAX_TEXT}),
 * a terminal, or a spawner that does not answer within {@link #SPAWN_WAIT} leaves the exec to the runtime, and a
 * spawner that died (a process in the sandbox killed it) is started again.
 */
final class ExecServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecServer.class);
    /** How long the spawner may take to start a slot's shell before the exec goes to the runtime instead. */
    static final Duration SPAWN_WAIT = Duration.ofSeconds(5);
    static final String NAME = "mags-execd";
    /** A process name nothing has: start-stop-daemon then always starts. */
    private static final String NO_MATCH = "mags-none";
    /** Bounds the wait for the spawner's starter to exit and for the spawner to show as the init's child. */
    private static final Duration STARTER_WAIT = Duration.ofSeconds(2);
    static final String SPAWNER = "exec <\"$1\" >/dev/null 2>&1; while IFS= read -r n; do " + BundleSpec.INIT_BINARY
            + " start-stop-daemon -S -b -q -n " + NO_MATCH + " -a " + BundleSpec.INIT_BINARY
            + " -- sh -c \"$2\" mags-exec \"" + BundleSpec.IO_DIR + "/$n\"; done";

    private final String id;
    private final SandboxPaths paths;
    private final Runc runc;
    private final ScheduledExecutorService timers;
    /** The sandbox's root as the host sees it: the owner of {@code io/} and of what the agent makes there. */
    private final int owner;
    private final AtomicInteger slots = new AtomicInteger();
    /** The slot being made (or made) ahead for the next exec; null when none is. */
    private final AtomicReference<Ahead> ahead = new AtomicReference<>();
    private Spawner spawner;
    private int generation;
    private boolean closed;

    ExecServer(String id, SandboxPaths paths, Runc runc, ScheduledExecutorService timers) {
        this.id = id;
        this.paths = paths;
        this.runc = runc;
        this.timers = timers;
        try {
            this.owner = (int) Files.getAttribute(paths.io(), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the owner of " + paths.io(), e);
        }
    }

    /**
     * The lines a slot's shell sources, or empty when they cannot express the exec: one block, so that nothing of a
     * text cut short runs.
     */
    static Optional<String> slotText(List<String> argv, Map<String, String> environment, String cwd, boolean stdin) {
        if (argv.isEmpty() || environment.containsKey("SHLVL")) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("{\nexec <").append(stdin ? "\"$1/in\"" : "/dev/null").append('\n')
                .append("export SHLVL=1\n"); // what a runtime exec's reporting shell, the sandbox's first, has
        for (var variable : environment.entrySet()) {
            if (!InitStandby.isIdentifier(variable.getKey())) {
                return Optional.empty();
            }
            text.append("export ").append(variable.getKey()).append('=').append(InitStandby.quote(variable.getValue()))
                    .append('\n');
        }
        text.append("set --");
        text.append(' ').append(InitStandby.quote(cwd));
        argv.forEach(arg -> text.append(' ').append(InitStandby.quote(arg)));
        text.append('\n').append(RuntimeExec.REPORTER).append("\n}\n");
        return text.length() > InitStandby.MAX_TEXT ? Optional.empty() : Optional.of(text.toString());
    }

    /**
     * Starts {@code argv} through the spawner; empty when the runtime should start it instead (nothing started
     * then). {@code gate} is called right before the slot's shell gets its lines; if it throws, nothing starts and
     * this throws it.
     *
     * @throws IOException when the shell took its lines but did not open its stdin: the process is lost
     */
    Optional<StartedProcess> start(List<String> argv, Map<String, String> environment, String cwd, boolean stdin,
            CommandGate gate) throws IOException, InterruptedException {
        Optional<String> text = slotText(argv, environment, cwd, stdin);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Spawner running = running();
        if (running == null) {
            return Optional.empty();
        }
        Ahead madeAhead = ahead.getAndSet(null);
        ExecSlot slot;
        try {
            slot = madeAhead == null ? null : madeAhead.await(running);
            if (slot == null) {
                slot = makeSlot(running);
            }
        } catch (IOException e) {
            log.warn("sandbox {}: its exec server did not start a shell ({}); the runtime starts the process and"
                    + " the server is started again", id, e.getMessage());
            retire(running);
            return Optional.empty();
        }
        // The next exec's slot is made once this one has ended, so that making it never slows this one down.
        return Optional.ofNullable(slot.hand(text.get(), stdin, gate, timers, () -> prepareNext(running)));
    }

    private ExecSlot makeSlot(Spawner running) throws IOException, InterruptedException {
        return ExecSlot.make(paths.io().resolve("x" + slots.incrementAndGet()), owner, running::request,
                running.initPid(), SPAWN_WAIT, timers);
    }

    /** A slot being made ahead by {@code spawner}. */
    private record Ahead(Spawner spawner, CompletableFuture<ExecSlot> slot) {
        /**
         * The slot, once it is made (sooner than a new one would be); null, without waiting, when it is another
         * spawner's (it is given up).
         *
         * @throws IOException when making it failed: the spawner does not answer
         */
        ExecSlot await(Spawner running) throws IOException, InterruptedException {
            if (spawner != running) {
                drop();
                return null;
            }
            try {
                return slot.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }

        /** Gives the slot up once it is made. */
        void drop() {
            slot.thenAccept(ExecSlot::abandon);
        }
    }

    /** Starts making the next exec's slot on a thread of its own (its opens wait for the shell). */
    private void prepareNext(Spawner running) {
        synchronized (this) {
            if (closed || spawner != running) {
                return; // the sandbox ends, or the spawner was replaced: the next exec makes its own
            }
        }
        CompletableFuture<ExecSlot> next = new CompletableFuture<>();
        if (!ahead.compareAndSet(null, new Ahead(running, next))) {
            return;
        }
        Thread.ofPlatform().daemon().name("exec-slot-" + id).start(() -> {
            try {
                next.complete(makeSlot(running));
            } catch (IOException | RuntimeException e) {
                log.debug("sandbox {}: cannot make an exec slot ahead: {}", id, e.getMessage());
                next.completeExceptionally(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                next.completeExceptionally(e);
            }
        });
    }

    /** Gives up the slot being made ahead, once it is made. */
    private void dropAhead() {
        Ahead madeAhead = ahead.getAndSet(null);
        if (madeAhead != null) {
            madeAhead.drop();
        }
    }

    /** The spawner, started (again) if it is not running; null when it cannot be started. */
    private synchronized Spawner running() throws InterruptedException {
        if (closed) {
            return null;
        }
        if (spawner != null && spawner.isRunning()) {
            return spawner;
        }
        if (spawner != null) {
            spawner.close();
            spawner = null;
        }
        try {
            spawner = startSpawner(++generation);
            return spawner;
        } catch (IOException e) {
            closed = true;
            log.warn("sandbox {}: cannot start its exec server ({}); the runtime starts each process", id, e.getMessage());
            return null;
        }
    }

    private synchronized void retire(Spawner which) {
        dropAhead();
        if (spawner == which) {
            spawner.close();
            spawner = null;
        }
    }

    private Spawner startSpawner(int gen) throws IOException, InterruptedException {
        long initPid = runc.initPid(id).orElseThrow(() -> new IOException("the container's init is gone"));
        Path ctl = paths.io().resolve("ctl-" + gen);
        NativeFs.mknod(ctl, NativeFs.S_IFIFO | 0600, 0, 0);
        NativeFs.lchown(ctl, owner, owner);
        RandomAccessFile ctlEnd = new RandomAccessFile(ctl.toFile(), "rw"); // never waits; the spawner reads it
        Path process = paths.execProcess(0);
        Path pidFile = paths.execPid(0);
        Path logFile = paths.execLog(0);
        try (Fd devNull = Fd.devNull()) {
            List<String> argv = List.of(BundleSpec.INIT_BINARY, "sh", "-c", SPAWNER, NAME,
                    BundleSpec.IO_DIR + "/ctl-" + gen, ExecSlot.SHELL);
            List<String> detached = new ArrayList<>(List.of(BundleSpec.INIT_BINARY, "start-stop-daemon", "-S", "-b",
                    "-q", "-n", NO_MATCH, "-a", BundleSpec.INIT_BINARY, "--"));
            detached.addAll(argv.subList(1, argv.size()));
            ExecProcess.write(paths.bundle(), process, detached, Map.of(), "/", null);
            Spawned runtime = runc.exec(id, process, pidFile, logFile, null, List.of(devNull, devNull, devNull));
            int status = runtime.waitFor();
            if (status != 0) {
                throw new IOException("runc exec exited with " + status);
            }
            // The runtime's process only starts the spawner and exits: reaped now, it never holds up the sandbox's end.
            Runc.execPid(pidFile).ifPresent(starter -> OrphanReaper.reapWhenEnded(starter, STARTER_WAIT));
            ProcessHandle handle = NsChildren.findByArgv(initPid, argv, STARTER_WAIT)
                    .orElseThrow(() -> new IOException("the exec server did not start"));
            return new Spawner(ctl, ctlEnd, handle, initPid);
        } catch (IOException | RuntimeException e) {
            FifoEnds.closeQuietly(ctlEnd);
            Files.deleteIfExists(ctl);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        } finally {
            for (Path file : List.of(process, pidFile, logFile)) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Ends the spawner (it reads end of file and exits) and the shell made ahead; the container's end would too. */
    @Override
    public synchronized void close() {
        closed = true;
        dropAhead();
        if (spawner != null) {
            spawner.close();
            spawner = null;
        }
    }

    /** One started spawner: the agent's end of its FIFO, the spawner itself, the sandbox's init. */
    private record Spawner(Path ctl, RandomAccessFile ctlEnd, ProcessHandle process, long initPid) {
        /** Alive and not a zombie (a killed spawner stays one until the agent, its reaper, sweeps). */
        boolean isRunning() {
            return ProcStat.isRunning(process);
        }

        /** A line under PIPE_BUF: written whole, never interleaved with another's. */
        void request(String slot) throws IOException {
            ctlEnd.write((slot + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        void close() {
            FifoEnds.closeQuietly(ctlEnd);
            try {
                Files.deleteIfExists(ctl);
            } catch (IOException e) {
                // on the sandbox's tmpfs
            }
        }
    }
}
