package dev.mags.protocol.v2;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A process to start in a running sandbox.
 *
 * @param argv        the program and its arguments, e.g. {@code ["sh", "-c", script]}
 * @param environment variables on top of the sandbox's own
 * @param cwd         working directory inside the sandbox; {@code /root} when null
 * @param stdin       whether the caller writes the process's stdin ({@link Exec#stdin()}); else it reads /dev/null
 * @param pty         a terminal of this size for stdin, stdout and stderr; null for pipes
 * @param timeout     the process (and what it started) is killed after this long; null for no limit
 */
public record ExecSpec(List<String> argv, Map<String, String> environment, String cwd, boolean stdin, PtySize pty,
                       Duration timeout) {
    public ExecSpec {
        argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
        environment = Map.copyOf(environment == null ? Map.of() : environment);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must not be empty");
        }
        if (cwd != null && !cwd.startsWith("/")) {
            throw new IllegalArgumentException("cwd must be an absolute path, not '" + cwd + "'");
        }
    }

    /** {@code sh -c script} with pipes, no stdin, in /root. */
    public static ExecSpec shell(String script, Map<String, String> environment, Duration timeout) {
        return new ExecSpec(List.of("sh", "-c", script), environment, null, false, null, timeout);
    }
}
