package dev.mags.agent.process;

import java.util.List;

/**
 * An external command could not be started, exited non-zero, or ran past its timeout. The message
 * names the argv, the exit code and the command's stderr, so the log line alone says what broke.
 */
public class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> argv;
    private final Integer exitCode;
    private final String stderr;

    public CommandFailedException(List<String> argv, Integer exitCode, String stderr, String why, Throwable cause) {
        super(message(argv, exitCode, stderr, why), cause);
        this.argv = List.copyOf(argv);
        this.exitCode = exitCode;
        this.stderr = stderr == null ? "" : stderr;
    }

    public static CommandFailedException exited(List<String> argv, int exitCode, String stderr) {
        return new CommandFailedException(argv, exitCode, stderr, "exited with code " + exitCode, null);
    }

    public List<String> argv() {
        return argv;
    }

    /** The exit code, or null when the command did not exit by itself (not started, timed out). */
    public Integer exitCode() {
        return exitCode;
    }

    public String stderr() {
        return stderr;
    }

    private static String message(List<String> argv, Integer exitCode, String stderr, String why) {
        StringBuilder text = new StringBuilder("command ").append(String.join(" ", argv)).append(" failed: ").append(why);
        String err = stderr == null ? "" : stderr.strip();
        if (!err.isEmpty()) {
            text.append("; stderr: ").append(err);
        }
        return text.toString();
    }
}
