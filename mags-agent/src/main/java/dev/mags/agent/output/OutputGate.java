package dev.mags.agent.output;

import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a sandbox's output back until the agent knows the sandbox started. If the runtime fails
 * instead, its error text is not the caller's output and is {@link #discard() discarded}; launch
 * reports it in the exception. Also shields the readers from a listener that throws.
 */
public final class OutputGate implements OutputListener {
    private record Line(OutputStream stream, Instant timestamp, String text) {}

    private static final Logger log = LoggerFactory.getLogger(OutputGate.class);

    private final OutputListener target;
    private final List<Line> pending = new ArrayList<>();
    private volatile boolean open;
    private volatile boolean closed;
    private boolean discarded;

    public OutputGate(OutputListener target) {
        this.target = target;
    }

    @Override
    public void onLine(OutputStream stream, Instant timestamp, String line) {
        if (closed) {
            return;
        }
        if (!open) {
            synchronized (this) {
                if (!open) {
                    if (!discarded) {
                        pending.add(new Line(stream, timestamp, line));
                    }
                    return;
                }
            }
        }
        deliver(stream, timestamp, line);
    }

    /** Delivers what was held back, in order, and everything after it directly. */
    public synchronized void open() {
        if (open || discarded) {
            return;
        }
        for (Line l : pending) {
            deliver(l.stream(), l.timestamp(), l.text());
        }
        pending.clear();
        open = true;
    }

    /** Drops what was held back and everything that still comes. */
    public synchronized void discard() {
        discarded = true;
        pending.clear();
    }

    /**
     * Drops everything that still comes: the job has ended, but a process it left running in a kept
     * sandbox may still hold its output open. The readers keep draining so that process never blocks.
     */
    public void close() {
        closed = true;
    }

    private void deliver(OutputStream stream, Instant timestamp, String line) {
        try {
            target.onLine(stream, timestamp, line);
        } catch (RuntimeException e) {
            // A broken listener must not stop the reader: an undrained pipe would block the sandbox.
            log.warn("output listener failed on a {} line", stream, e);
        }
    }
}
