package dev.mags.protocol.v1;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A sandbox whose main process has started. */
public interface RunningSandbox {
    String sandboxId();

    /** Completes once the process has ended and every resource of the sandbox has been released. */
    CompletableFuture<SandboxExit> exit();

    /**
     * Completes as soon as the outcome is known: the process has ended and all its output was
     * delivered, possibly while the sandbox's resources are still being released (which
     * {@link #exit()} waits for). A caller can report the result here and hold its capacity until
     * {@code exit()}. Its value is {@code exit()}'s, less notes about the release.
     */
    default CompletableFuture<SandboxExit> finished() {
        return exit();
    }

    /**
     * Asks the process to end (SIGTERM), kills it after {@code grace}, and releases the sandbox.
     * Returns at once; {@link #exit()} tells when it is done. Stopping twice is harmless.
     */
    void stop(Duration grace);

    /**
     * Forwards a port on the host's loopback to {@code sandboxPort} inside the sandbox and returns
     * the host port ({@code 127.0.0.1:<port>}); the forward ends with the sandbox. Asking twice for
     * one sandbox port returns the same host port.
     *
     * @throws AgentException (INVALID_SPEC) if the sandbox has no network
     */
    int forwardPort(int sandboxPort);
}
