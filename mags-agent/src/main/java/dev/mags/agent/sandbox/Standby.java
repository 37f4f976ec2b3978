package dev.mags.agent.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A shell of the image started in a warm pool member ahead of its job, with {@code runc exec} like any
 * command (same user, capabilities, limits, {@code /root}), reading its job from stdin. Handing it a job
 * writes a few lines (the job's variables, then {@code exec} of its argv with stdin from
 * {@code /dev/null}) and closes its stdin; the shell then becomes the job's command in the same process,
 * so the runtime's per-exec cost (tens of ms, most of a warm start) is paid before the job arrives.
 * The job's environment goes through the pipe, never into a file.
 *
 * <p>Only a job the lines express exactly is handed over: its program is {@code sh} (what the standby
 * itself runs, so it exists; any other program might not, and the runtime reports a missing program
 * as a failure to start, a shell as exit 127) and it keeps the container's {@code PATH}; its variable
 * names are shell identifiers; and the text stays under {@link #MAX_TEXT} (the shell reads it a byte
 * at a time). Otherwise the standby is {@link #dismiss() dismissed} and the command runs with its own
 * {@code runc exec}. API jobs are {@code sh -c SCRIPT}.
 */
final class Standby {
    /** Reads every line of stdin, then runs them; runs in the image's own {@code sh}. */
    static final List<String> COMMAND = List.of("sh", "-c",
            "s=; while IFS= read -r l; do s=\"$s$l\n\"; done; eval \"$s\"", "mags-standby");
    static final int MAX_TEXT = 16 * 1024;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Process exec;

    /** @param exec the foreground {@code runc exec} of {@link #COMMAND}, whose command has started */
    Standby(Process exec) {
        this.exec = exec;
    }

    boolean isAlive() {
        return exec.isAlive();
    }

    /**
     * The lines that make the standby shell the job's command, or empty when they cannot express it:
     * its variables (on top of the container's, which the shell has) and {@code exec} of its argv.
     */
    static Optional<String> jobText(List<String> argv, Map<String, String> environment) {
        if (argv.isEmpty() || !argv.getFirst().equals("sh") || environment.containsKey("PATH")) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("unset SHLVL OLDPWD\n"); // the standby shell's own, not the job's
        for (var variable : new TreeMap<>(environment).entrySet()) {
            if (!IDENTIFIER.matcher(variable.getKey()).matches()) {
                return Optional.empty();
            }
            text.append("export ").append(variable.getKey()).append('=').append(quote(variable.getValue())).append('\n');
        }
        text.append("exec");
        argv.forEach(arg -> text.append(' ').append(quote(arg)));
        text.append(" </dev/null\n");
        return text.length() > MAX_TEXT ? Optional.empty() : Optional.of(text.toString());
    }

    /** Single quotes keep every character but the quote itself, which is closed, escaped and reopened. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * Hands the job over: the standby's {@code runc exec} becomes the job's.
     *
     * @throws IOException when the shell is gone (its stdin is closed)
     */
    Process hand(String jobText) throws IOException {
        try (OutputStream stdin = exec.getOutputStream()) {
            stdin.write(jobText.getBytes(StandardCharsets.UTF_8));
        }
        return exec;
    }

    /** Ends the standby shell unused: an empty job makes it exit 0; if it does not at once, it is killed. */
    void dismiss() {
        try {
            exec.getOutputStream().close();
            if (!exec.waitFor(1, TimeUnit.SECONDS)) {
                exec.destroyForcibly();
            }
        } catch (IOException e) {
            exec.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exec.destroyForcibly();
        }
    }

    /** Ends the runtime process if it still runs (the container's release kills the shell itself). */
    void destroy() {
        exec.destroyForcibly();
    }
}
