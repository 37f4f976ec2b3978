package dev.mags.agent.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a short external command to completion: always with a timeout, stdout and stderr captured,
 * and any failure turned into a {@link CommandFailedException} that says what ran and why it failed.
 */
public final class CommandRunner {
    /** How long to wait for the pipes to close after the command exited. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

    private final ProcessLauncher launcher;

    public CommandRunner(ProcessLauncher launcher) {
        this.launcher = Objects.requireNonNull(launcher, "launcher");
    }

    public ProcessLauncher launcher() {
        return launcher;
    }

    /** Runs {@code argv}, kills it after {@code timeout}, and returns its output if it exited with 0. */
    public CommandResult run(List<String> argv, Duration timeout) {
        return run(argv, timeout, line -> {});
    }

    /** As {@link #run(List, Duration)}, also handing every stdout and stderr line to {@code onLine} as it comes. */
    public CommandResult run(List<String> argv, Duration timeout, Consumer<String> onLine) {
        Process process;
        try {
            process = launcher.start(argv);
        } catch (IOException e) {
            throw new CommandFailedException(argv, null, "", "could not start it: " + e.getMessage(), e);
        }
        StreamCollector stdout = StreamCollector.start(process.getInputStream(), onLine);
        StreamCollector stderr = StreamCollector.start(process.getErrorStream(), onLine);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(DRAIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                throw new CommandFailedException(argv, null, stderr.await(DRAIN_WAIT),
                        "timed out after " + describe(timeout) + " and was killed", null);
            }
            int code = process.exitValue();
            String out = stdout.await(DRAIN_WAIT);
            String err = stderr.await(DRAIN_WAIT);
            if (code != 0) {
                throw CommandFailedException.exited(argv, code, err);
            }
            return new CommandResult(argv, code, out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new CommandFailedException(argv, null, "", "interrupted while waiting for it", e);
        }
    }

    /**
     * Runs {@code argv} with its stdout and stderr appended to {@code output} rather than piped (see
     * {@link ProcessLauncher#startWritingTo}); a failure's message carries the end of that file.
     */
    public void runWritingTo(List<String> argv, Duration timeout, Path output) {
        Process process;
        try {
            process = launcher.startWritingTo(argv, output);
        } catch (IOException e) {
            throw new CommandFailedException(argv, null, "", "could not start it: " + e.getMessage(), e);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new CommandFailedException(argv, null, tail(output),
                        "timed out after " + describe(timeout) + " and was killed", null);
            }
            if (process.exitValue() != 0) {
                throw CommandFailedException.exited(argv, process.exitValue(), tail(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new CommandFailedException(argv, null, "", "interrupted while waiting for it", e);
        }
    }

    private static String tail(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int from = Math.max(0, bytes.length - 4096);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
