package dev.mags.cli.command;

/** A failure the CLI reports as {@code mags: <message>} and ends with {@link #exitCode()}. */
public final class CliException extends RuntimeException {
    /** Configuration problems: no token, a rejected login. */
    public static final int CONFIG = 1;
    /** Wrong usage, or an option the server does not support yet. */
    public static final int USAGE = 2;

    private final int exitCode;

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
