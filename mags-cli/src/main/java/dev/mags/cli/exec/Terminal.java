package dev.mags.cli.exec;

import java.util.Optional;

/** The terminal the CLI runs on, if any: what a terminal session of {@code mags exec} needs from it. */
public interface Terminal {
    /** Whether standard input (0) or output (1) is a terminal. */
    boolean isTerminal(int fd);

    /** Whether standard input reads nothing at all ({@code /dev/null}). */
    boolean stdinIsNull();

    /** The terminal's size as columns and rows, when stdin is one. */
    Optional<int[]> size();

    /** Puts the terminal in raw mode (no echo, no line editing, Ctrl-C as a byte); closing restores it. */
    AutoCloseable raw();

    /** Calls {@code action} whenever the terminal's window changes size (SIGWINCH). */
    void onResize(Runnable action);

    /** Calls {@code action} on Ctrl-C (SIGINT) instead of ending the CLI. */
    void onInterrupt(Runnable action);

    Terminal NONE = new Terminal() {
        @Override
        public boolean isTerminal(int fd) {
            return false;
        }

        @Override
        public boolean stdinIsNull() {
            return true;
        }

        @Override
        public Optional<int[]> size() {
            return Optional.empty();
        }

        @Override
        public AutoCloseable raw() {
            return () -> { };
        }

        @Override
        public void onResize(Runnable action) {
        }

        @Override
        public void onInterrupt(Runnable action) {
        }
    };
}
