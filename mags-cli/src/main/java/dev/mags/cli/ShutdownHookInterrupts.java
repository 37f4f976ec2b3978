package dev.mags.cli;

import dev.mags.cli.command.InterruptHooks;

/**
 * Ctrl-C as the JVM sees it: SIGINT starts the shutdown, which runs the registered action in a
 * shutdown hook; the process then exits with status 130 (128 + SIGINT).
 */
final class ShutdownHookInterrupts implements InterruptHooks {

    @Override
    public Registration onInterrupt(Runnable action) {
        Thread hook = new Thread(action, "mags-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running: the interruption is being handled
            }
        };
    }
}
