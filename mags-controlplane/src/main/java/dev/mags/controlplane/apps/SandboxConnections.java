package dev.mags.controlplane.apps;

import dev.mags.protocol.v2.SandboxId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Requests served at once per sandbox, bounded so that one busy app cannot take every proxy thread. */
final class SandboxConnections {
    private final int max;
    private final Map<SandboxId, Integer> open = new ConcurrentHashMap<>();

    SandboxConnections(int max) {
        this.max = max;
    }

    /** A slot, released by running the hook once; empty when the sandbox has {@code max} open already. */
    Optional<Runnable> acquire(SandboxId id) {
        boolean[] got = {false};
        open.compute(id, (k, n) -> {
            int cur = n == null ? 0 : n;
            if (cur >= max) {
                return cur;
            }
            got[0] = true;
            return cur + 1;
        });
        if (!got[0]) {
            return Optional.empty();
        }
        AtomicBoolean released = new AtomicBoolean();
        return Optional.of(() -> {
            if (released.compareAndSet(false, true)) {
                open.computeIfPresent(id, (k, n) -> n <= 1 ? null : n - 1);
            }
        });
    }
}
