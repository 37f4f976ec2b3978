package dev.mags.storage.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.error.LockConflictException;
import dev.mags.storage.layout.BucketLayout;
import dev.mags.storage.object.InMemoryObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeasesTest {
    static final LeaseSettings FAST =
            new LeaseSettings(Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofMillis(10), Duration.ofMillis(300));

    @Test
    void aSyncWaitsForACollectionAndGivesUpWithAClearMessage() {
        InMemoryObjectStore store = new InMemoryObjectStore();
        Leases leases = new Leases(store, FAST);
        try (Lease gc = leases.acquireExclusive("garbage collection")) {
            assertThatThrownBy(() -> leases.acquireShared("sync of workspace a/b"))
                    .isInstanceOf(LockConflictException.class)
                    .hasMessageContaining("garbage collection has held locks/exclusive.json")
                    .hasMessageContaining("sync of workspace a/b gave up");
            assertThat(store.list(BucketLayout.SHARED_LOCKS).count()).isZero();
        }
        try (Lease sync = leases.acquireShared("sync")) {
            assertThat(store.exists(sync.key())).isTrue();
        }
        assertThat(store.list("locks/").count()).isZero();
    }

    @Test
    void staleLeasesOfDeadProcessesAreIgnored() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
        Clock clock = new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now.get(); }
        };
        InMemoryObjectStore store = new InMemoryObjectStore(clock);
        store.put(BucketLayout.EXCLUSIVE_LOCK, "{}".getBytes());          // a collection that died
        store.put(BucketLayout.SHARED_LOCKS + "dead.json", "{}".getBytes()); // a sync that died
        now.set(now.get().plusSeconds(60));
        Leases leases = new Leases(store, FAST);
        leases.acquireShared("sync").close();
        try (Lease gc = leases.acquireExclusive("gc")) {
            assertThat(store.exists(BucketLayout.SHARED_LOCKS + "dead.json")).isFalse();
        }
    }

    @Test
    void aLeaseThatCouldNotBeRefreshedIsNoLongerHeld() throws InterruptedException {
        InMemoryObjectStore store = new InMemoryObjectStore();
        Leases leases = new Leases(store, FAST);
        Lease lease = leases.acquireShared("sync");
        lease.ensureHeld();
        lease.close();
        assertThatThrownBy(lease::ensureHeld).isInstanceOf(LockConflictException.class).hasMessageContaining("lost lease");
        lease.close(); // twice is harmless
    }
}
