package dev.mags.protocol.v2;

/**
 * Called by the agent during {@link Sandbox#exec} once everything is ready, right before the process is handed
 * to the sandbox: the last moment at which it has certainly not started. The control plane records there that
 * a job may have run, so that a crash after this point never leads to a second run, while a crash during the
 * (much longer) build of the sandbox leaves a job that can still be run. If it throws, nothing starts and exec
 * throws that exception. It may be called more than once for one exec (when the first way of starting the
 * process failed before the process could start, and another is tried).
 */
@FunctionalInterface
public interface CommandGate {
    /** A gate that lets every process through. */
    CommandGate OPEN = () -> { };

    void beforeCommand();
}
