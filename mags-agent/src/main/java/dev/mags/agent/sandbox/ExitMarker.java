package dev.mags.agent.sandbox;

import dev.mags.agent.bundle.BundleSpec;
import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a command in a kept container reports its exit code. {@code runc exec} copies the command's output
 * and exits only when every writer of it is gone; a process the command left running in the background
 * (the point of a kept sandbox) keeps it open, so the runtime cannot tell the exit code when the command
 * ends. Instead the command runs under a small shell of the host's busybox that prints a line with a
 * random marker and the exit code to stderr when the command ends; this filter takes that line out of the
 * output and keeps the code.
 */
final class ExitMarker {
    private final String marker = "mags-exit-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private final CompletableFuture<Integer> code = new CompletableFuture<>();

    /** {@code argv} run under the reporting shell; SIGTERM to that shell's children reaches the command. */
    List<String> wrap(List<String> argv) {
        List<String> wrapped = new ArrayList<>(List.of(BundleSpec.INIT_BINARY, "sh", "-c",
                reportingScript("\"$@\""), "mags-command"));
        wrapped.addAll(argv);
        return wrapped;
    }

    /**
     * A busybox shell script that runs {@code command} (shell text), then prints the marker line with its exit
     * code to stderr. The script's own stderr is /dev/null meanwhile, so that the shell's word on a command
     * killed by a signal ("Terminated") never reaches the job's output.
     */
    String reportingScript(String command) {
        // The command's own redirection happens in its subshell: one on the command itself would be made (and
        // kept while it runs) by this shell, which would then report a signal on the job's stderr after all.
        return "exec 3>&2 2>/dev/null; (exec 2>&3 3>&-; exec " + command + "); " + reportCommand();
    }

    /** Prints the marker line with the exit code of the command before it to fd 3 (where the script keeps stderr). */
    String reportCommand() {
        return "printf '%s %d\\n' " + marker + " $? >&3";
    }

    /** Whether the marker line came through. */
    boolean reported() {
        return code.isDone() && !code.isCompletedExceptionally();
    }

    /** The output ended: no marker line can come any more, and a wait for it ends at once. */
    void outputEnded() {
        code.completeExceptionally(new IllegalStateException("the output ended without the exit marker"));
    }

    /** Passes lines on to {@code next}, except the marker (which may end a line the command left unfinished). */
    OutputListener filter(OutputListener next) {
        return (stream, timestamp, line) -> {
            int at = stream == OutputStream.STDERR ? line.lastIndexOf(marker + " ") : -1;
            if (at < 0 || code.isDone()) {
                next.onLine(stream, timestamp, line);
                return;
            }
            try {
                code.complete(Integer.parseInt(line.substring(at + marker.length() + 1).trim()));
            } catch (NumberFormatException e) {
                next.onLine(stream, timestamp, line);
                return;
            }
            if (at > 0) {
                next.onLine(stream, timestamp, line.substring(0, at));
            }
        };
    }

    /** The command's exit code, once the marker line came through, waiting at most {@code wait}. */
    Optional<Integer> await(Duration wait) throws InterruptedException {
        try {
            return Optional.of(code.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            return Optional.empty();
        }
    }
}
