package dev.mags.storage.lock;

import java.time.Duration;

/**
 * Timing of the leases that keep garbage collection from deleting what a running sync relies on.
 *
 * @param heartbeat  how often a held lease is rewritten
 * @param staleAfter a lease not rewritten for this long (by the store's clock) belongs to a dead process
 * @param poll       how often a waiter looks again
 * @param waitLimit  how long a sync waits for a collection to finish, or a collection for syncs to drain
 */
public record LeaseSettings(Duration heartbeat, Duration staleAfter, Duration poll, Duration waitLimit) {
    public static final LeaseSettings DEFAULTS =
            new LeaseSettings(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofMinutes(10));

    public LeaseSettings {
        if (heartbeat.compareTo(staleAfter.dividedBy(3)) > 0) {
            throw new IllegalArgumentException("heartbeat " + heartbeat + " must be at most a third of staleAfter " + staleAfter);
        }
    }
}
