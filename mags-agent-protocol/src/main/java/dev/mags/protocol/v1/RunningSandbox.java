package dev.mags.protocol.v1;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A sandbox whose main process has started. */
public interface RunningSandbox {
    String sandboxId();

    /** Completes once the process has ended and every resource of the sandbox has been released. */
    CompletableFuture<SandboxExit> exit();

    /**
     * Asks the process to end (SIGTERM), kills it after {@code grace}, and releases the sandbox.
     * Returns at once; {@link #exit()} tells when it is done. Stopping twice is harmless.
     */
    void stop(Duration grace);
}
