package dev.mags.controlplane.auth;

import dev.mags.controlplane.error.UnauthorizedException;
import dev.mags.controlplane.state.UserRecord;
import dev.mags.controlplane.state.UserStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Issues and checks API tokens. A token is 32 random bytes; only its SHA-256 is stored, which is
 * enough for secrets of that entropy (no salt or slow hash needed).
 */
public final class TokenService {
    private static final String TOKEN_PREFIX = "mags_";
    /** Tokens are checked on every request; a short cache spares the state store most lookups. */
    private static final Duration CACHE_TTL = Duration.ofSeconds(30);
    private static final int CACHE_MAX = 10_000;

    private final UserStore users;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Principal principal, Instant expires) {}

    public TokenService(UserStore users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    /** Creates a token for {@code userName}, creating the user first if needed. Returns the token. */
    public String createToken(String userName, boolean adminIfNew) {
        if (!userName.matches("[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}")) {
            throw new IllegalArgumentException("user name '" + userName
                    + "' must be 1-128 characters of letters, digits, '_', '.', '@' or '-'");
        }
        UserRecord user = users.findByName(userName).orElseGet(() -> {
            UserRecord u = new UserRecord(UUID.randomUUID().toString(), userName, adminIfNew, clock.instant());
            users.insertUser(u);
            return u;
        });
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        users.insertToken(UUID.randomUUID().toString(), user.id(), hash(token), token.substring(0, 12),
                clock.instant());
        return token;
    }

    /** The principal for an {@code Authorization} header value, or 401. */
    public Principal authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw new UnauthorizedException("missing API token: send 'Authorization: Bearer <token>'");
        }
        String[] parts = authorizationHeader.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
            throw new UnauthorizedException("the Authorization header must be 'Bearer <token>'");
        }
        String hash = hash(parts[1].trim());
        Instant now = clock.instant();
        Cached hit = cache.get(hash);
        if (hit != null && hit.expires().isAfter(now)) {
            return hit.principal();
        }
        Principal principal = users.findByTokenHash(hash)
                .map(o -> new Principal(o.user().id(), o.user().name(), o.user().admin(), o.tokenPrefix()))
                .orElseThrow(() -> new UnauthorizedException("invalid API token"));
        if (cache.size() >= CACHE_MAX) {
            cache.clear(); // crude but bounded; a full cache is refilled by the next requests
        }
        // Only valid tokens are cached, so guessing cannot fill it. Revoking a token must evict it here.
        cache.put(hash, new Cached(principal, now.plus(CACHE_TTL)));
        return principal;
    }

    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
