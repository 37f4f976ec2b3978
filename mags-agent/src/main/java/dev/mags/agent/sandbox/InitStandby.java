package dev.mags.agent.sandbox;

import dev.mags.agent.bundle.BundleSpec;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A shell of the image that the container's init starts before anything else and that waits for the sandbox's
 * first exec, so that it needs no {@code runc exec} (tens of ms of CPU, the largest share of a short job's
 * cost): its stdin, stdout and stderr are FIFOs in the sandbox directory, bind-mounted read-only at
 * {@link BundleSpec#IO_DIR}, whose host ends the agent opens once the container has started. It runs with
 * the container's user, capabilities, limits and environment, in {@code /root}, as {@code runc exec} would.
 *
 * <p>The shell runs under a small reporting shell of the host's busybox (the init's only child while the
 * command runs; signals to its children reach the command) that writes the exit code to a fourth FIFO,
 * {@code code}, when the shell ends. Handing it a command writes a few lines (the exec's variables, then
 * {@code exec} of its argv with stdin from {@code /dev/null}) and closes its stdin; the shell then becomes
 * the command in the same process. Only an exec the lines express exactly is handed over: its program is
 * {@code sh} (what the standby itself runs, so it exists) and it keeps the container's {@code PATH}; its
 * variable names are shell identifiers; the text stays under {@link #MAX_TEXT} (the shell reads it a line at
 * a time); no stdin, no terminal, in {@code /root}. Otherwise the standby is {@link #dismiss() dismissed} and
 * the command gets its own {@code runc exec}. API jobs are {@code sh -c SCRIPT}. The environment goes through
 * the FIFO, never into a file.
 */
final class InitStandby implements AutoCloseable {
    static final int MAX_TEXT = 16 * 1024;
    static final String REPORTER_NAME = "mags-command";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /**
     * Takes stderr from fd 4 (the reporting shell's own stderr is /dev/null, so that its word on a command
     * killed by a signal, "Terminated", never reaches the output), reads every line of stdin, then runs them;
     * runs in the image's own {@code sh}.
     */
    static final String STANDBY = "exec 2>&4 4>&-; s=; while IFS= read -r l; do s=\"$s$l\n\"; done; eval \"$s\"";
    static final List<String> FIFOS = List.of("in", "out", "err", "code");

    private final OutputStream in;
    private final InputStream out;
    private final InputStream err;
    private final InputStream code;
    private final ProcessHandle reporter;

    private InitStandby(OutputStream in, InputStream out, InputStream err, InputStream code, ProcessHandle reporter) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.code = code;
        this.reporter = reporter;
    }

    /**
     * The init's argv: starts the reporting shell with the FIFOs as its stdio, in the foreground (a
     * background job of a script would start with SIGINT and SIGQUIT ignored, and so would the job), then
     * waits forever, reaping orphans; see {@link SandboxInit}.
     */
    static List<String> initArgv() {
        String io = BundleSpec.IO_DIR;
        String busybox = BundleSpec.INIT_BINARY;
        String init = busybox + " sh -c \"$1\" " + REPORTER_NAME + " \"$2\"; " + SandboxInit.SCRIPT;
        // The reporting shell opens the FIFOs itself (a redirection on its command line would be made by the
        // init before it forks), so once they are open it exists. busybox's own sh applet would win over the
        // image's sh by name: it finds the image's along PATH. The command does not inherit the code FIFO, so
        // a process it leaves behind cannot hold it open. The shell traps the signals a stop sends (the command,
        // whose dispositions exec resets, still gets them) so that it outlives the command to report its code.
        String report = "exec <" + io + "/in >" + io + "/out 2>" + io + "/err 3>" + io + "/code; trap : INT QUIT TERM HUP; "
                + "IFS=:; set -f; s=; for d in $PATH; do if [ -x \"$d/sh\" ]; then s=\"$d/sh\"; break; fi; done; "
                + "unset IFS; set +f; cd /root 2>/dev/null; exec 4>&2 2>/dev/null; \"$s\" -c \"$1\" mags-standby 3>&-; "
                + "printf '%d\\n' $? >&3";
        return List.of(busybox, "sh", "-c", init, "mags-init", report, STANDBY);
    }

    /** Makes the FIFOs in {@code io}, which the caller gives to the sandbox's root. */
    static List<Path> createFifos(Path io) throws IOException {
        Files.createDirectory(io);
        List<Path> fifos = FIFOS.stream().map(io::resolve).toList();
        for (Path fifo : fifos) {
            dev.mags.storage.tree.NativeFs.mknod(fifo, dev.mags.storage.tree.NativeFs.S_IFIFO | 0600, 0, 0);
        }
        return fifos;
    }

    /**
     * Opens the host ends of the FIFOs, in the order the reporting shell opens its own (each open waits for
     * the other end), and finds the reporting shell: the init's only child then.
     *
     * @throws IOException when the shell does not open them within {@code wait}, or cannot be found
     */
    static InitStandby connect(Path io, long initPid, Duration wait) throws IOException {
        Opener opener = new Opener(io);
        Thread thread = Thread.ofPlatform().daemon().name("standby-open-" + io.getParent().getFileName()).start(opener);
        try {
            if (!thread.join(wait)) {
                unblock(io);
                thread.join(Duration.ofSeconds(5));
                opener.closeAll();
                throw new IOException("the container's init did not open its standby shell's FIFOs within " + wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unblock(io);
            opener.closeAll();
            throw new IOException("interrupted while connecting to the standby shell", e);
        }
        if (opener.failure != null) {
            opener.closeAll();
            throw opener.failure;
        }
        Optional<ProcessHandle> reporter = awaitOnlyChild(initPid, Duration.ofSeconds(5));
        if (reporter.isEmpty()) {
            opener.closeAll();
            throw new IOException("the standby shell of init " + initPid + " did not start");
        }
        return new InitStandby(opener.in, opener.out, opener.err, opener.code, reporter.get());
    }

    /** Opening a FIFO read-write never waits, and completes the open the other side waits in. */
    private static void unblock(Path io) {
        for (String name : FIFOS) {
            try (RandomAccessFile ignored = new RandomAccessFile(io.resolve(name).toFile(), "rw")) {
                // opened and closed: enough for a waiting open to complete
            } catch (IOException e) {
                // nothing waits on this one
            }
        }
    }

    /**
     * The only child of {@code pid}, read from the kernel's children list (one small file, no scan of /proc).
     * The reporting shell opened the FIFOs, so it is there; the list is read again for a moment only in case
     * the kernel's view lags.
     */
    private static Optional<ProcessHandle> awaitOnlyChild(long pid, Duration wait) throws IOException {
        Path file = Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children");
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            String children = Files.readString(file).strip();
            if (!children.isEmpty()) {
                if (children.contains(" ")) {
                    throw new IOException("init " + pid + " should have one child, the standby shell; it has " + children);
                }
                return ProcessHandle.of(Long.parseLong(children));
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the standby shell", e);
            }
        }
    }

    /** Whether the shell still waits for its command. */
    boolean isAlive() {
        return reporter.isAlive();
    }

    /**
     * The lines that make the standby shell the exec's command, or empty when they cannot express it:
     * its variables (on top of the container's, which the shell has) and {@code exec} of its argv.
     */
    static Optional<String> jobText(List<String> argv, Map<String, String> environment) {
        if (argv.isEmpty() || !argv.getFirst().equals("sh") || environment.containsKey("PATH")) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("unset SHLVL OLDPWD\n"); // the standby shell's own, not the job's
        for (var variable : new TreeMap<>(environment).entrySet()) {
            if (!isIdentifier(variable.getKey())) {
                return Optional.empty();
            }
            text.append("export ").append(variable.getKey()).append('=').append(quote(variable.getValue())).append('\n');
        }
        text.append("exec");
        argv.forEach(arg -> text.append(' ').append(quote(arg)));
        text.append(" </dev/null\n");
        return text.length() > MAX_TEXT ? Optional.empty() : Optional.of(text.toString());
    }

    /** Whether {@code name} can be set by a shell's {@code export}. */
    static boolean isIdentifier(String name) {
        return IDENTIFIER.matcher(name).matches();
    }

    /** Single quotes keep every character but the quote itself, which is closed, escaped and reopened. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * Hands the command over: the standby shell becomes it.
     *
     * @throws IOException when the shell is gone (nothing reads its stdin); nothing started then
     */
    StartedProcess hand(String text) throws IOException {
        try (in) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return new StartedProcess(out, err, code, null, null, reporter, () -> { });
    }

    /**
     * Ends the shell unused: an empty job makes it exit 0; what it printed is read to the end and dropped on
     * a thread of its own, so that it never blocks on a full FIFO.
     */
    void dismiss() {
        closeQuietly(in);
        for (InputStream stream : List.of(out, err, code)) {
            Thread.ofPlatform().daemon().name("standby-drain").start(() -> {
                try (stream) {
                    stream.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // closed: nothing more to drop
                }
            });
        }
    }

    /** Closes the host ends (the container's release ends the shell itself). */
    @Override
    public void close() {
        closeQuietly(in);
        closeQuietly(out);
        closeQuietly(err);
        closeQuietly(code);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed or broken: either way released
        }
    }

    /** Opens the three host ends in the reporting shell's order. */
    private static final class Opener implements Runnable {
        private final Path io;
        volatile OutputStream in;
        volatile InputStream out;
        volatile InputStream err;
        volatile InputStream code;
        volatile IOException failure;

        Opener(Path io) {
            this.io = io;
        }

        @Override
        public void run() {
            try {
                in = new FileOutputStream(io.resolve("in").toFile());
                out = new FileInputStream(io.resolve("out").toFile());
                err = new FileInputStream(io.resolve("err").toFile());
                code = new FileInputStream(io.resolve("code").toFile());
            } catch (IOException e) {
                failure = e;
            }
        }

        void closeAll() {
            for (AutoCloseable c : new AutoCloseable[] {in, out, err, code}) {
                if (c != null) {
                    closeQuietly(c);
                }
            }
        }
    }
}
