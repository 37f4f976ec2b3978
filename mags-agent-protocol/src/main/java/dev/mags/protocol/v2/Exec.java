package dev.mags.protocol.v2;

import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/** A process started in a sandbox by {@link Sandbox#exec}. */
public interface Exec {
    /**
     * The process's stdin, when its {@link ExecSpec#stdin()} asked for one; closing it is end of file.
     *
     * @throws IllegalStateException when the exec was started without stdin
     */
    OutputStream stdin();

    /** Resizes the process's terminal; ignored for an exec without one. */
    void resize(PtySize size);

    /** Sends {@code signal} (e.g. 2 for SIGINT) to the process; harmless once it has ended. */
    void signal(int signal);

    /** Completes when the process has ended and all its output has been delivered to the listener. */
    CompletableFuture<ExecExit> exit();
}
