package dev.mags.cli.command;

import dev.mags.api.ExecEnd;
import dev.mags.api.ExecRequest;
import dev.mags.cli.config.CliConfig;
import dev.mags.cli.exec.SocketExec;
import dev.mags.cli.exec.Stdio;
import dev.mags.cli.exec.StdinPump;
import dev.mags.cli.exec.Terminal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mags exec NAME COMMAND...}: runs a command in a live sandbox over the server's exec WebSocket, with its
 * output live and apart, stdin forwarded when it is piped, and a terminal (raw mode, resizes, Ctrl-C to the
 * remote process) when the CLI runs on one; exits with the command's exit code.
 */
@Command(
        name = "exec",
        description = "Run a command in a live sandbox, streaming its output, and exit with its exit code.",
        modelTransformer = SshCommand.WordsAfterName.class,
        exitCodeOnExecutionException = SocketExec.FAILED,
        footerHeading = "%n",
        footer = {
            "Everything after NAME is the command, run with sh -c (words joined by",
            "spaces): mags exec dev 'cd /root && ls -la'. Piped stdin is sent to it:",
            "echo hi | mags exec dev cat. On a terminal the command gets one too",
            "(raw mode: Ctrl-C and Ctrl-D reach the remote program; resizes follow).",
            "",
            "Exit status:",
            "  N    the command's exit code",
            "  124  the command timed out (see --timeout)",
            "  130  interrupted: Ctrl-C twice without a terminal (the first one is",
            "       sent to the command)",
            "  125  mags failed: NAME is not one of your jobs or workspaces (see",
            "       mags list), the server cannot be reached or refused, the",
            "       sandbox ended under the command",
            "  2    invalid usage",
            "  1    no API token (run 'mags login' or set MAGS_API_TOKEN)"
        })
public final class ExecCommand implements Callable<Integer> {
    static final int TIMED_OUT = 124;

    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--tty"}, description = "Run the command on a terminal even when mags is not on one.")
    boolean tty;

    @Option(names = {"-T", "--no-tty"}, description = "Never run the command on a terminal (stdout and stderr apart).")
    boolean noTty;

    @Option(names = {"-i", "--interactive"}, description = "Send stdin to the command even when it is a terminal.")
    boolean interactive;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Kill the command after this many seconds (exit status 124).")
    Integer timeoutSeconds;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "Set an environment variable for the command (repeatable).")
    Map<String, String> environment = new LinkedHashMap<>();

    @Option(names = "--cwd", paramLabel = "DIR", description = "Working directory inside the sandbox (default /root).")
    String cwd;

    @Parameters(index = "0", paramLabel = "NAME",
            description = "The sandbox: a job's name, a workspace's name or a request id.")
    String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command, run with sh -c.")
    List<String> command = new ArrayList<>();

    public ExecCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Stdio io = ctx.stdio();
        Terminal terminal = io.terminal();
        boolean onTerminal = tty || (!noTty && terminal.isTerminal(0) && terminal.isTerminal(1));
        boolean raw = onTerminal && terminal.isTerminal(0);
        boolean forward = onTerminal || interactive || (!terminal.isTerminal(0) && !terminal.stdinIsNull());
        ExecRequest request = new ExecRequest(String.join(" ", command), null,
                environment.isEmpty() ? null : environment, cwd, timeoutSeconds, null, null, null, null);
        if (onTerminal) {
            int[] size = terminal.size().orElse(new int[] {80, 24});
            request = request.withTty(size[0], size[1]);
        }
        CliConfig config = ctx.config();
        ctx.out().flush();
        ctx.err().flush();
        SocketExec exec = SocketExec.open(config.apiUrl(), config.requireToken(), name, request, io.out(), io.err());
        ExecEnd end;
        AutoCloseable restore = raw ? terminal.raw() : () -> { };
        try (InterruptHooks.Registration hook = ctx.interrupts().onInterrupt(() -> close(restore))) {
            if (onTerminal) {
                terminal.onResize(() -> terminal.size().ifPresent(s -> exec.resize(s[0], s[1])));
            }
            if (!raw) {
                // the first Ctrl-C goes to the command, as on a local terminal; a second one gives up on it
                java.util.concurrent.atomic.AtomicInteger presses = new java.util.concurrent.atomic.AtomicInteger();
                terminal.onInterrupt(() -> {
                    if (presses.incrementAndGet() == 1) {
                        exec.signal("INT");
                    } else {
                        exec.abandon();
                    }
                });
            }
            if (forward) {
                StdinPump.start(io.in(), exec, !onTerminal);
            } else {
                exec.endOfInput();
            }
            end = exec.await();
        } finally {
            close(restore);
        }
        return outcome(end);
    }

    private int outcome(ExecEnd end) {
        if ("exited".equals(end.reason()) && end.exitCode() != null) {
            return end.exitCode();
        }
        ctx.err().println("mags: " + (end.message() == null ? end.reason() : end.message()));
        ctx.err().flush();
        if ("timed_out".equals(end.reason())) {
            return TIMED_OUT;
        }
        return end.exitCode() != null ? end.exitCode() : SocketExec.FAILED;
    }

    private static void close(AutoCloseable restore) {
        try {
            restore.close();
        } catch (Exception e) {
            // the terminal is gone or stty failed: nothing more to restore
        }
    }

    private void validate() {
        if (tty && noTty) {
            throw new ParameterException(spec.commandLine(), "-t/--tty and -T/--no-tty contradict each other");
        }
        if (timeoutSeconds != null && timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 (second), got " + timeoutSeconds);
        }
        if (String.join(" ", command).isBlank()) {
            throw new ParameterException(spec.commandLine(), "the command is empty");
        }
    }
}
