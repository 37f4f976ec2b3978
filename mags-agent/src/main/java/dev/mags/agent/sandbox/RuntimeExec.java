package dev.mags.agent.sandbox;

import dev.mags.agent.bundle.BundleSpec;
import dev.mags.agent.bundle.ExecProcess;
import dev.mags.agent.process.ConsoleSocket;
import dev.mags.agent.process.Fd;
import dev.mags.agent.process.Pipe;
import dev.mags.agent.process.Spawned;
import dev.mags.agent.runtime.Runc;
import dev.mags.agent.runtime.RuntimeLog;
import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.PtySize;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a process in a running container with {@code runc exec --detach}: the runtime starts it and exits, and
 * the process keeps the agent's own pipes (or the terminal the runtime made, whose master side it sends to a
 * console socket), so no runtime process stays per process. It runs under a small reporting shell of the host's
 * busybox ({@link #REPORTER}) that enters the working directory, finds the program along PATH, runs it as its
 * child and writes the exit code to a pipe of the agent's (descriptor 3, {@code --preserve-fds 1}) when it ends;
 * the runtime itself only sees {@code /} as the working directory, so no working directory of the user's is
 * resolved by the runtime's own code.
 */
final class RuntimeExec {
    /**
     * The reporting shell: keeps stderr on fd 4 and its own on /dev/null (its word on a command killed by a
     * signal, "Terminated", never reaches the output); traps the signals a terminal or a stop sends, so that it
     * outlives the command to report it, while the command (whose dispositions are reset by exec) gets them;
     * looks the program up along PATH itself (busybox's sh would run its own applet of that name) and keeps
     * argv[0] as given.
     */
    static final String REPORTER = "exec 4>&2 2>/dev/null; trap : INT QUIT TERM HUP; c=$1; shift; a=$1; p=$1; "
            + "case $p in */*) ;; *) f=; IFS=:; set -f; for d in $PATH; do "
            + "if [ -f \"$d/$p\" ] && [ -x \"$d/$p\" ]; then f=$d/$p; break; fi; done; unset IFS; set +f; p=$f;; esac; "
            + "shift; if ! cd -- \"$c\" 2>&4; then r=1; "
            + "elif [ -z \"$p\" ]; then printf '%s: command not found\\n' \"$a\" >&4; r=127; "
            + "else (exec 2>&4 3>&- 4>&-; exec -a \"$a\" \"$p\" \"$@\"); r=$?; fi; printf '%d\\n' \"$r\" >&3";
    static final String REPORTER_NAME = "mags-exec";
    /** Bounds the wait for the runtime to send a terminal it made (milliseconds normally). */
    private static final Duration TERMINAL_WAIT = Duration.ofSeconds(10);

    private final Runc runc;

    RuntimeExec(Runc runc) {
        this.runc = runc;
    }

    static List<String> reporterArgv(String cwd, List<String> argv) {
        List<String> out = new ArrayList<>(List.of(BundleSpec.INIT_BINARY, "sh", "-c", REPORTER, REPORTER_NAME, cwd));
        out.addAll(argv);
        return out;
    }

    /**
     * Starts {@code argv} as exec {@code n} of {@code container}. {@code gate} is called right before the runtime
     * is started; if it throws, nothing starts.
     *
     * @throws AgentException RUNTIME_FAILED when the runtime could not start it, NOT_FOUND when the container's
     *     init is gone
     */
    StartedProcess start(Container container, int n, List<String> argv, Map<String, String> environment, String cwd,
            boolean withStdin, PtySize pty, CommandGate gate) {
        SandboxPaths paths = container.paths();
        List<AutoCloseable> ours = new ArrayList<>();
        List<Fd> childEnds = new ArrayList<>();
        try {
            ExecProcess.write(paths.bundle(), paths.execProcess(n), reporterArgv(cwd, argv), environment, "/",
                    pty == null ? null : new ExecProcess.Console(pty.cols(), pty.rows()));
            Pipe code = open(Pipe.open(), ours);
            Fd devNull = open(Fd.devNull(), childEnds);
            Pipe in = withStdin && pty == null ? open(Pipe.open(), ours) : null;
            Pipe out = pty == null ? open(Pipe.open(), ours) : null;
            Pipe err = pty == null ? open(Pipe.open(), ours) : null;
            ConsoleSocket console = pty == null ? null : open(ConsoleSocket.listen(paths.consoleSocket(n)), ours);
            List<Fd> fds = List.of(in == null ? devNull : in.read(), out == null ? devNull : out.write(),
                    err == null ? devNull : err.write(), code.write());
            gate.beforeCommand();
            Spawned runtime = runc.exec(container.id(), paths.execProcess(n), paths.execPid(n), paths.execLog(n),
                    console == null ? null : console.path(), fds);
            // The process has its own copies now: the agent keeps only its ends, so that EOF comes when it ends.
            fds.forEach(Fd::close);
            int status = runtime.waitFor();
            if (status != 0) {
                throw failed(container, n, status);
            }
            Fd terminal = console == null ? null : console.receive(TERMINAL_WAIT);
            if (console != null) {
                console.close();
            }
            ProcessHandle reporter = Runc.execPid(paths.execPid(n)).flatMap(ProcessHandle::of).orElse(null);
            deleteFiles(paths, n);
            OutputStream stdin = terminal != null ? (withStdin ? new TerminalInput(terminal) : null)
                    : in == null ? null : in.write().output();
            return new StartedProcess(terminal != null ? terminal.input() : out.read().input(),
                    err == null ? null : err.read().input(), code.read().input(), stdin, terminal, reporter,
                    terminal == null ? () -> { } : terminal::close);
        } catch (IOException e) {
            closeAll(ours);
            deleteFiles(paths, n);
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "cannot start a process in sandbox "
                    + container.id() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(ours);
            deleteFiles(paths, n);
            throw new AgentException(AgentErrorCode.RUNTIME_FAILED, "interrupted while starting a process in sandbox "
                    + container.id(), e);
        } catch (RuntimeException e) {
            closeAll(ours);
            deleteFiles(paths, n);
            throw e;
        } finally {
            childEnds.forEach(Fd::close);
        }
    }

    private AgentException failed(Container container, int n, int status) {
        List<String> errors = RuntimeLog.errors(container.paths().execLog(n));
        String why = errors.isEmpty() ? "the runtime exited with " + status : String.join("; ", errors);
        return container.isAlive()
                ? new AgentException(AgentErrorCode.RUNTIME_FAILED, "the OCI runtime could not start a process in sandbox "
                        + container.id() + ": " + why)
                : new AgentException(AgentErrorCode.NOT_FOUND, "sandbox " + container.id() + " has ended (its init is"
                        + " gone): " + why);
    }

    private static <T extends AutoCloseable> T open(T resource, List<? super T> into) {
        into.add(resource);
        return resource;
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // releasing: nothing more to do
            }
        }
    }

    private static void deleteFiles(SandboxPaths paths, int n) {
        for (Path file : List.of(paths.execProcess(n), paths.execPid(n), paths.execLog(n), paths.consoleSocket(n))) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // in the sandbox's directory, which goes with the sandbox
            }
        }
    }

    /** A terminal's input: closing it is an end of file typed at the terminal (Ctrl-D), not a hang-up. */
    private static final class TerminalInput extends OutputStream {
        private static final byte EOT = 4;
        private final Fd terminal;

        TerminalInput(Fd terminal) {
            this.terminal = terminal;
        }

        @Override
        public void write(int b) throws IOException {
            terminal.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            terminal.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            terminal.write(new byte[] {EOT}, 0, 1);
        }
    }
}
