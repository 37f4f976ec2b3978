package dev.mags.agent.output;

import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes a process's output on to its listener until the process's exit is reported, and drops what still
 * comes after (a background process it left in a kept sandbox may hold its output open for ever: the readers
 * keep draining, so that process never blocks or gets SIGPIPE). Also shields the readers from a listener that
 * throws: an undrained pipe would block the sandbox.
 */
public final class OutputGate implements ExecListener {
    private static final Logger log = LoggerFactory.getLogger(OutputGate.class);

    private final ExecListener target;
    private volatile boolean closed;

    public OutputGate(ExecListener target) {
        this.target = target;
    }

    @Override
    public void output(ExecStream stream, byte[] data, int offset, int length) {
        if (closed) {
            return;
        }
        try {
            target.output(stream, data, offset, length);
        } catch (RuntimeException e) {
            log.warn("output listener failed on {} bytes of {}", length, stream, e);
        }
    }

    /** Drops everything that still comes. */
    public void close() {
        closed = true;
    }
}
