package dev.mags.agent.sandbox;

import dev.mags.agent.process.NsChildren;
import dev.mags.agent.runtime.ProcStat;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.storage.tree.NativeFs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One shell of an {@link ExecServer}, made ready before its exec comes: a directory of FIFOs in the sandbox's
 * {@code io/} and the shell the spawner started for it ({@link #SHELL}), which has opened {@code code}, {@code out}
 * and {@code err} (the agent holds their other ends), reported its pid in the sandbox on {@code code} and waits on
 * {@code req}. Handing it an exec writes the exec's lines to {@code req}: the shell sources them (they open its
 * stdin, set its variables and run the reporting shell), so the exec itself costs one write.
 */
final class ExecSlot {
    static final List<String> FIFOS = List.of("req", "code", "out", "err", "in");
    /**
     * The slot's shell: its output first, its pid, then its lines, sourced from the FIFO (read in blocks, not a
     * byte at a time as {@code read} does).
     */
    static final String SHELL = "exec 3>\"$1/code\" >\"$1/out\" 2>\"$1/err\"; echo $$ >&3; . \"$1/req\"";
    /** How long a shell that has its lines may take to open its stdin; the command may run after that: no retry. */
    private static final Duration STDIN_WAIT = Duration.ofSeconds(30);
    /** Bounds the search for the shell among the init's children (it is reparented there as it starts). */
    private static final Duration FIND_WAIT = Duration.ofSeconds(2);

    /** Asks the spawner to start the shell of the slot named so. */
    @FunctionalInterface
    interface Request {
        void start(String slot) throws IOException;
    }

    final Path dir;
    private final InputStream code;
    private final InputStream out;
    private final InputStream err;
    private final ProcessHandle shell;

    private ExecSlot(Path dir, InputStream code, InputStream out, InputStream err, ProcessHandle shell) {
        this.dir = dir;
        this.code = code;
        this.out = out;
        this.err = err;
        this.shell = shell;
    }

    /**
     * Makes the slot {@code dir} (its FIFOs owned by the sandbox's root, {@code owner}), asks for its shell and waits
     * until the shell waits for its lines.
     *
     * @throws FifoEnds.TimedOut when the shell did not open its output within {@code spawnWait}; nothing is left
     */
    static ExecSlot make(Path dir, int owner, Request request, long initPid, Duration spawnWait,
            ScheduledExecutorService timers) throws IOException, InterruptedException {
        InputStream code = null;
        InputStream out = null;
        InputStream err = null;
        try {
            Files.createDirectory(dir);
            NativeFs.lchown(dir, owner, owner);
            for (String fifo : FIFOS) {
                NativeFs.mknod(dir.resolve(fifo), NativeFs.S_IFIFO | 0600, 0, 0);
                NativeFs.lchown(dir.resolve(fifo), owner, owner);
            }
            request.start(dir.getFileName().toString());
            code = FifoEnds.openRead(dir.resolve("code"), spawnWait, timers);
            out = FifoEnds.openRead(dir.resolve("out"), spawnWait, timers);
            err = FifoEnds.openRead(dir.resolve("err"), spawnWait, timers);
            long nsPid = readPid(code);
            ProcessHandle shell = nsPid < 0 ? null : NsChildren.find(initPid, nsPid, FIND_WAIT).orElse(null);
            if (shell == null) {
                throw new IOException("the shell of exec slot " + dir.getFileName() + " ended as it started");
            }
            return new ExecSlot(dir, code, out, err, shell);
        } catch (IOException | InterruptedException | RuntimeException e) {
            for (InputStream s : new InputStream[] {code, out, err}) {
                FifoEnds.closeQuietly(s);
            }
            FifoEnds.abandon(dir, FIFOS);
            throw e;
        }
    }

    /** The first line the shell writes to {@code code}: its pid in the sandbox; -1 when it ended first. */
    private static long readPid(InputStream code) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = code.read(); b != '\n'; b = code.read()) {
            if (b < 0 || line.length() > 20) {
                return -1;
            }
            line.append((char) b);
        }
        try {
            return Long.parseLong(line.toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Gives the shell its lines: it becomes the exec's reporting shell. Null when the shell is gone (a process in
     * the sandbox killed it): nothing started then and the slot is given up. {@code gate} is called right before the
     * lines are written; if it throws, nothing starts.
     *
     * @throws IOException when the lines were written but the shell did not open its stdin: the process is lost
     */
    StartedProcess hand(String text, boolean stdin, CommandGate gate, ScheduledExecutorService timers,
            Runnable whenEnded) throws IOException {
        OutputStream req = openLines(timers);
        if (req == null) {
            abandon();
            return null;
        }
        OutputStream in = null;
        try {
            try (req) {
                gate.beforeCommand();
                req.write(text.getBytes(StandardCharsets.UTF_8));
            }
            if (stdin) {
                in = FifoEnds.openWrite(dir.resolve("in"), STDIN_WAIT, timers);
            }
        } catch (IOException | RuntimeException e) {
            abandon(); // the shell reads end of file, or nothing: it ends without a command
            throw e;
        }
        FifoEnds.remove(dir, FIFOS);
        return new StartedProcess(out, err, code, in, null, shell, whenEnded);
    }

    /** The shell's end of {@code req}, which it waits on; null when the shell is gone. */
    private OutputStream openLines(ScheduledExecutorService timers) throws IOException {
        if (!ProcStat.isRunning(shell)) {
            return null;
        }
        try {
            return FifoEnds.openWrite(dir.resolve("req"), ExecServer.SPAWN_WAIT, timers);
        } catch (FifoEnds.TimedOut e) {
            return null;
        }
    }

    /** Gives the slot up: its shell reads end of file and ends; the agent's ends are closed. */
    void abandon() {
        FifoEnds.abandon(dir, FIFOS);
        for (InputStream s : new InputStream[] {code, out, err}) {
            FifoEnds.closeQuietly(s);
        }
    }
}
