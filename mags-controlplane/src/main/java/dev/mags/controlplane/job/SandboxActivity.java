package dev.mags.controlplane.job;

import dev.mags.protocol.v2.SandboxId;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When each sandbox was last used by an exec or an SSH channel, and how many use it now: what decides whether a
 * long-lived sandbox is idle (and may sleep). A hold counts from its start until it is released; a sandbox
 * never held counts as used when it was first seen.
 */
public final class SandboxActivity {
    private record Use(int holds, Instant since) {}

    private final Clock clock;
    private final Map<SandboxId, Use> uses = new ConcurrentHashMap<>();

    public SandboxActivity(Clock clock) {
        this.clock = clock;
    }

    /** The sandbox is in use until the returned hook runs (once; running it again does nothing). */
    public Runnable hold(SandboxId id) {
        uses.merge(id, new Use(1, clock.instant()), (a, b) -> new Use(a.holds() + 1, b.since()));
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                uses.computeIfPresent(id, (k, u) -> new Use(u.holds() - 1, clock.instant()));
            }
        };
    }

    /** The sandbox was used now (a job's script ended in it, it was woken). */
    public void touch(SandboxId id) {
        uses.merge(id, new Use(0, clock.instant()), (a, b) -> new Use(a.holds(), b.since()));
    }

    /** True when nothing holds the sandbox and its last use ended before {@code cutoff}. */
    public boolean idleSince(SandboxId id, Instant cutoff) {
        Use u = uses.computeIfAbsent(id, k -> new Use(0, clock.instant()));
        return u.holds() <= 0 && u.since().isBefore(cutoff);
    }

    /** The sandbox has ended: nothing about it is kept. */
    public void forget(SandboxId id) {
        uses.remove(id);
    }
}
