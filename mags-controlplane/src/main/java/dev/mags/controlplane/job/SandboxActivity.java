package dev.mags.controlplane.job;

import dev.mags.protocol.v2.SandboxId;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When each sandbox was last used by an exec or an SSH channel, and how many use it now: what decides whether a
 * long-lived sandbox is idle and may sleep. A hold counts from its start until it is released; a sandbox never
 * held counts as used when it was first seen. Going to sleep is claimed here, atomically with the check, so that
 * a hold taken at that moment either keeps the sandbox awake or is refused (and its caller wakes the sandbox
 * once it has gone to sleep).
 */
public final class SandboxActivity {
    private record Use(int holds, Instant since, boolean asleep) {}

    private final Clock clock;
    private final Map<SandboxId, Use> uses = new ConcurrentHashMap<>();

    public SandboxActivity(Clock clock) {
        this.clock = clock;
    }

    /**
     * The sandbox is in use until the returned hook runs (once; running it again does nothing); empty when the
     * sandbox is going to sleep.
     */
    public Optional<Runnable> hold(SandboxId id) {
        Use u = uses.compute(id, (k, old) -> old == null ? new Use(1, clock.instant(), false)
                : old.asleep() ? old : new Use(old.holds() + 1, old.since(), false));
        if (u.asleep()) {
            return Optional.empty();
        }
        AtomicBoolean released = new AtomicBoolean();
        return Optional.of(() -> {
            if (released.compareAndSet(false, true)) {
                uses.computeIfPresent(id, (k, old) -> new Use(old.holds() - 1, clock.instant(), old.asleep()));
            }
        });
    }

    /** The sandbox was used now (a job's script ended in it, it was woken). */
    public void touch(SandboxId id) {
        uses.compute(id, (k, old) -> old == null ? new Use(0, clock.instant(), false)
                : new Use(old.holds(), clock.instant(), old.asleep()));
    }

    /**
     * Claims the sandbox for sleep when nothing holds it and its last use ended before {@code cutoff}; from then
     * on {@link #hold} refuses it.
     */
    public boolean claimIdle(SandboxId id, Instant cutoff) {
        Use u = uses.compute(id, (k, old) -> {
            Use cur = old == null ? new Use(0, clock.instant(), false) : old;
            return cur.holds() <= 0 && !cur.asleep() && cur.since().isBefore(cutoff)
                    ? new Use(0, cur.since(), true) : cur;
        });
        return u.asleep();
    }

    /** The sandbox has ended: nothing about it is kept (a new sandbox with its id starts afresh). */
    public void forget(SandboxId id) {
        uses.remove(id);
    }
}
