package dev.mags.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.controlplane.error.UnauthorizedException;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.UserStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/** The verification cache, last-use writes and refusals of {@link TokenService}, on a clock the test sets. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class TokenServiceTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    Database db;
    UserStore users;
    final SetClock clock = new SetClock(Instant.parse("2026-01-01T00:00:00Z"));
    TokenService tokens;

    @BeforeEach
    void open() {
        db = backend.open(dir);
        users = new UserStore(db.jdbi());
        tokens = new TokenService(users, clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void lastUseIsWrittenAtMostOnceAMinute() {
        String token = tokens.createToken("bob", false);
        String userId = users.findByName("bob").orElseThrow().id();
        Instant t0 = clock.now;

        tokens.authenticate("Bearer " + token);
        clock.now = t0.plusSeconds(20);
        tokens.authenticate("Bearer " + token); // a cache hit: no write
        clock.now = t0.plusSeconds(59); // the cache entry has expired: a lookup, still no write
        tokens.authenticate("Bearer " + token);
        assertThat(users.tokens(userId).getFirst().lastUsedAt()).isEqualTo(t0);

        clock.now = t0.plusSeconds(60);
        tokens.authenticate("Bearer " + token);
        assertThat(users.tokens(userId).getFirst().lastUsedAt()).isEqualTo(t0.plusSeconds(60));
    }

    @Test
    void aRevokedTokenIsRefusedWithinItsCacheWindow() {
        String token = tokens.createToken("bob", false);
        String userId = users.findByName("bob").orElseThrow().id();
        tokens.authenticate("Bearer " + token);
        String id = users.tokens(userId).getFirst().id();

        new Tokens(users, tokens).revoke(userId, id);
        clock.now = clock.now.plusSeconds(1);

        assertThatThrownBy(() -> tokens.authenticate("Bearer " + token)).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void aLookupThatRanDuringAnEvictionIsNotCached() {
        VerifiedTokens cache = new VerifiedTokens();
        Principal bob = new Principal("u1", "bob", false, "mags_abc");
        long before = cache.generation();

        cache.evict(e -> e.tokenId().equals("t1")); // the revocation lands between the lookup and the put
        cache.put("hash", bob, "t1", clock.now, before);

        assertThat(cache.get("hash", clock.now)).isNull();
        cache.put("hash", bob, "t1", clock.now, cache.generation());
        assertThat(cache.get("hash", clock.now).principal()).isEqualTo(bob);
        assertThat(cache.get("hash", clock.now.plusSeconds(VerifiedTokens.TTL_SECONDS))).isNull();
    }

    @Test
    void theServerCommandWillNotMakeATokenForADisabledUser() {
        tokens.createToken("bob", false);
        users.setDisabled(users.findByName("bob").orElseThrow().id(), clock.now);

        assertThatThrownBy(() -> tokens.createToken("bob", false)).hasMessageContaining("is disabled");
    }

    /** A clock that stays where the test puts it. */
    static final class SetClock extends Clock {
        volatile Instant now;

        SetClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
