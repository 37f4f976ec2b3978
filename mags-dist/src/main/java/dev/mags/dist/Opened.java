package dev.mags.dist;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a composition root has opened, closed in reverse order: on a normal stop, and when starting fails half-way
 * (then the failure is the primary exception and each close's failure is added to it).
 */
final class Opened implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Opened.class);
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    <T extends AutoCloseable> T push(T resource) {
        opened.push(resource);
        return resource;
    }

    /** Takes {@code resource} out: another owner closes it now (or it is pushed again, to be closed earlier). */
    void handOver(AutoCloseable resource) {
        if (!opened.remove(resource)) {
            throw new IllegalStateException(resource + " was not opened here");
        }
    }

    /** Closes everything after {@code primary} stopped the start; rethrow {@code primary} afterwards. */
    void closeAfter(Throwable primary) {
        close(primary);
    }

    @Override
    public void close() {
        close(null);
    }

    private void close(Throwable primary) {
        while (!opened.isEmpty()) {
            AutoCloseable c = opened.pop();
            try {
                c.close();
            } catch (Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else {
                    LOG.warn("error while closing {}", c, e);
                }
            }
        }
    }
}
