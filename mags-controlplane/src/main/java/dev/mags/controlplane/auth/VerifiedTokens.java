package dev.mags.controlplane.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Tokens verified against the state store in the last {@value #TTL_SECONDS} s, by hash, so that most requests
 * skip the lookup. Revoking a token or disabling a user must take effect at once, so {@link #evict} removes the
 * matching entries; a lookup that ran while an eviction happened is not cached (the generation changed), so a
 * verification that read the row just before it was deleted cannot put it back.
 */
final class VerifiedTokens {
    static final int TTL_SECONDS = 30;
    private static final Duration TTL = Duration.ofSeconds(TTL_SECONDS);
    private static final int MAX = 10_000;

    /** A verified token: its owner and its row id (what revocation names). */
    record Entry(Principal principal, String tokenId, Instant expires) {}

    private final ConcurrentHashMap<String, Entry> byHash = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /** The entry for this hash if it is still fresh at {@code now}. */
    Entry get(String hash, Instant now) {
        Entry e = byHash.get(hash);
        return e != null && e.expires().isAfter(now) ? e : null;
    }

    /** Taken before a lookup in the state store; {@link #put} caches its result only if nothing was evicted since. */
    long generation() {
        return generation.get();
    }

    void put(String hash, Principal principal, String tokenId, Instant now, long generationBeforeLookup) {
        if (byHash.size() >= MAX) {
            byHash.clear(); // crude but bounded; a full cache is refilled by the next requests
        }
        byHash.put(hash, new Entry(principal, tokenId, now.plus(TTL)));
        // An eviction between the lookup and this put may have missed the new entry: take it out again.
        if (generation.get() != generationBeforeLookup) {
            byHash.remove(hash);
        }
    }

    /** Removes every entry matching {@code which}; call after the change is in the state store. */
    void evict(Predicate<Entry> which) {
        generation.incrementAndGet();
        byHash.values().removeIf(which);
    }
}
