package dev.mags.storage.lock;

import dev.mags.storage.error.LockConflictException;
import dev.mags.storage.layout.BucketLayout;
import dev.mags.storage.object.ObjectInfo;
import dev.mags.storage.object.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared leases for syncs, one exclusive lease for garbage collection's sweep — restic's lock model on
 * plain S3 objects. A sync writes its shared lease and then looks for the exclusive one; a collection writes
 * the exclusive lease and then waits for the shared ones to go. With S3's read-after-write consistency at
 * least one of the two sees the other, so a sweep never runs while a sync could still rely on a chunk it
 * found in the store. Staleness is judged by the store's clock (objects' last-modified times), never by
 * comparing two hosts' clocks.
 */
public final class Leases {
    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

    private final ObjectStore store;
    private final LeaseSettings settings;

    public Leases(ObjectStore store, LeaseSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    public LeaseSettings settings() {
        return settings;
    }

    /** A sync's lease; waits while a collection sweeps, up to the wait limit. */
    public Lease acquireShared(String purpose) {
        long deadline = System.nanoTime() + settings.waitLimit().toNanos();
        while (true) {
            Lease lease = new Lease(store, BucketLayout.SHARED_LOCKS + UUID.randomUUID() + ".json", purpose, settings);
            Instant now = writeAndTime(lease);
            Optional<ObjectInfo> exclusive = store.head(BucketLayout.EXCLUSIVE_LOCK);
            if (exclusive.isEmpty() || stale(exclusive.get(), now)) {
                lease.start();
                return lease;
            }
            store.delete(lease.key());
            if (System.nanoTime() > deadline) {
                throw new LockConflictException("garbage collection has held " + BucketLayout.EXCLUSIVE_LOCK + " in "
                        + store.describe() + " for longer than " + settings.waitLimit() + "; " + purpose + " gave up");
            }
            LOG.debug("{} waits for garbage collection to finish", purpose);
            sleep();
        }
    }

    /** The collection's lease: taken when no other collection holds it, returned once no sync runs. */
    public Lease acquireExclusive(String purpose) {
        long deadline = System.nanoTime() + settings.waitLimit().toNanos();
        Lease lease = new Lease(store, BucketLayout.EXCLUSIVE_LOCK, purpose, settings);
        while (!store.putIfAbsent(lease.key(), lease.body())) {
            Optional<ObjectInfo> held = store.head(lease.key());
            if (held.isPresent() && stale(held.get(), probeTime())) {
                LOG.warn("removing stale exclusive lease {} (last refreshed {})", lease.key(), held.get().lastModified());
                store.delete(lease.key());
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw new LockConflictException("another garbage collection holds " + lease.key() + " in " + store.describe());
            }
            sleep();
        }
        lease.start();
        try {
            waitForSharedToDrain(lease, purpose, deadline);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        return lease;
    }

    private void waitForSharedToDrain(Lease lease, String purpose, long deadline) {
        while (true) {
            Instant now = writeAndTime(lease);
            List<ObjectInfo> shared;
            try (var s = store.list(BucketLayout.SHARED_LOCKS)) {
                shared = s.toList();
            }
            long live = 0;
            for (ObjectInfo o : shared) {
                if (stale(o, now)) {
                    LOG.warn("removing stale sync lease {} (last refreshed {})", o.key(), o.lastModified());
                    store.delete(o.key());
                } else {
                    live++;
                }
            }
            if (live == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new LockConflictException(live + " syncs still hold leases in " + store.describe() + " after "
                        + settings.waitLimit() + "; " + purpose + " gave up and deleted nothing");
            }
            sleep();
        }
    }

    private boolean stale(ObjectInfo lease, Instant serverNow) {
        return Duration.between(lease.lastModified(), serverNow).compareTo(settings.staleAfter()) > 0;
    }

    /** (Re)writes the lease and returns the store's clock as it stamped the write. */
    private Instant writeAndTime(Lease lease) {
        store.put(lease.key(), lease.body());
        return store.head(lease.key()).map(ObjectInfo::lastModified).orElseGet(this::probeTime);
    }

    private Instant probeTime() {
        String probe = "locks/clock-" + UUID.randomUUID();
        try {
            store.put(probe, new byte[0]);
            return store.head(probe).map(ObjectInfo::lastModified).orElse(Instant.now());
        } finally {
            store.delete(probe);
        }
    }

    private void sleep() {
        try {
            Thread.sleep(settings.poll());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockConflictException("interrupted while waiting for a lease in " + store.describe(), e);
        }
    }
}
