package dev.mags.agent.sandbox;

import java.io.InputStream;

/**
 * A job's command as the agent follows it: its output, and the end of the process that tells its exit code
 * (a foreground {@code runc exec}, or the init's reporting shell of an {@link InitStandby}).
 */
interface RunningCommand {
    InputStream stdout();

    InputStream stderr();

    /** Waits up to {@code millis} for the followed process to end; true once it has. */
    boolean waitFor(long millis) throws InterruptedException;

    /** The command's exit code, once {@link #waitFor} said it ended (after the container was killed, at the latest). */
    int exitValue() throws InterruptedException;

    /** Gives up on the followed process (its output stays open too long); the container's kill ends the command. */
    void destroyForcibly();
}
