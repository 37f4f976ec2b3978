package dev.mags.cli.command;

/** Runs an action when the user interrupts the CLI (Ctrl-C); the real one uses a shutdown hook. */
@FunctionalInterface
public interface InterruptHooks {

    /** Runs {@code action} on interruption until the returned registration is closed. */
    Registration onInterrupt(Runnable action);

    @FunctionalInterface
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
