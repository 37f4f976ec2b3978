package dev.mags.agent.process;

/** A child process started by {@link ProcessLauncher#spawn}: its pid, and a blocking wait for its exit status. */
public interface Spawned {
    long pid();

    /** Waits until the child exits and returns its exit code (128 + signal when a signal ended it). */
    int waitFor() throws InterruptedException;
}
