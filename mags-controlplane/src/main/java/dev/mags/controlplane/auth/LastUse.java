package dev.mags.controlplane.auth;

import dev.mags.controlplane.state.UserStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records when a token was last used without a write per request: at most one write per token every
 * {@link #PERIOD}, so the stored time is accurate to about that much.
 */
final class LastUse {
    static final Duration PERIOD = Duration.ofMinutes(1);
    private static final int MAX = 10_000;

    private final UserStore users;
    private final ConcurrentHashMap<String, Instant> written = new ConcurrentHashMap<>();

    LastUse(UserStore users) {
        this.users = users;
    }

    void used(String tokenId, Instant now) {
        AtomicBoolean due = new AtomicBoolean();
        written.compute(tokenId, (id, last) -> {
            if (last != null && now.isBefore(last.plus(PERIOD))) {
                return last;
            }
            due.set(true);
            return now;
        });
        if (due.get()) {
            users.touchToken(tokenId, now);
        }
        if (written.size() > MAX) {
            written.clear(); // bounded; costs at most one extra write per token
        }
    }

    void forget(String tokenId) {
        written.remove(tokenId);
    }
}
