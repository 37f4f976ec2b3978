package dev.mags.storage.lock;

import dev.mags.storage.error.LockConflictException;
import dev.mags.storage.error.StorageException;
import dev.mags.storage.object.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held lease: an object in the bucket rewritten every heartbeat by a background thread. Closing
 * deletes it (best effort: a lease left behind by a crash or an outage goes stale and is ignored).
 * Closing twice is harmless.
 */
public final class Lease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

    private final ObjectStore store;
    private final String key;
    private final byte[] body;
    private final LeaseSettings settings;
    private final AtomicLong lastRefreshNanos = new AtomicLong(System.nanoTime());
    private final Thread heartbeat;
    private volatile boolean closed;

    Lease(ObjectStore store, String key, String purpose, LeaseSettings settings) {
        this.store = store;
        this.key = key;
        this.body = ("{\"purpose\":\"" + purpose.replace("\"", "'") + "\",\"pid\":" + ProcessHandle.current().pid()
                + ",\"since\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
        this.settings = settings;
        this.heartbeat = Thread.ofVirtual().name("lease-" + key).unstarted(this::beat);
    }

    byte[] body() {
        return body;
    }

    void start() {
        lastRefreshNanos.set(System.nanoTime());
        heartbeat.start();
    }

    public String key() {
        return key;
    }

    /**
     * Throws unless the lease was refreshed recently enough that no one can have taken it for stale:
     * a sync calls this right before it commits its manifest, a collection before each delete batch.
     */
    public void ensureHeld() {
        long age = System.nanoTime() - lastRefreshNanos.get();
        if (closed || age > settings.staleAfter().toNanos() / 2) {
            throw new LockConflictException("lost lease " + key + " in " + store.describe() + ": not refreshed for "
                    + age / 1_000_000 + " ms (stale after " + settings.staleAfter().toMillis() + " ms)");
        }
    }

    private void beat() {
        while (!closed) {
            try {
                Thread.sleep(settings.heartbeat());
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            try {
                store.put(key, body);
                lastRefreshNanos.set(System.nanoTime());
            } catch (StorageException e) {
                LOG.warn("cannot refresh lease {}: {}", key, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        heartbeat.interrupt();
        try {
            store.delete(key);
        } catch (StorageException e) {
            LOG.warn("cannot release lease {} (it will go stale): {}", key, e.getMessage());
        }
    }
}
