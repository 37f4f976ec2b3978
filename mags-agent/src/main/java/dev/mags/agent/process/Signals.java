package dev.mags.agent.process;

import com.sun.jna.LastErrorException;

/** Signals to processes by pid, any signal number (the JDK sends only SIGTERM and SIGKILL). */
public final class Signals {
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private Signals() {}

    /** Sends {@code signal} to {@code process} if it is still the process it was (its start time is checked). */
    public static void send(ProcessHandle process, int signal) {
        if (!process.isAlive()) {
            return;
        }
        try {
            NativeIo.kill((int) process.pid(), signal);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != NativeIo.ESRCH) {
                throw new IllegalStateException("kill(" + process.pid() + ", " + signal + ") failed: errno "
                        + e.getErrorCode(), e);
            }
        }
    }
}
