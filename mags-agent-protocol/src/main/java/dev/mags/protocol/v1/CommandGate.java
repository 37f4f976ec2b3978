package dev.mags.protocol.v1;

/**
 * Called by the agent during {@link Agent#launch(SandboxSpec, OutputListener, CommandGate)} once the sandbox
 * is ready, right before the job's command is handed to it: the last moment at which the command has
 * certainly not started. The control plane records there that the job may have run, so that a crash after
 * this point never leads to a second run, while a crash during the (much longer) build of the sandbox leaves
 * a job that can still be run. If it throws, the command is not started, the sandbox is released and launch
 * throws that exception. It may be called more than once for one launch (a sandbox that died before its
 * command started is replaced by another).
 */
@FunctionalInterface
public interface CommandGate {
    /** A gate that lets every command through. */
    CommandGate OPEN = () -> { };

    void beforeCommand();
}
