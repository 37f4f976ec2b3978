package dev.mags.controlplane.auth;

import dev.mags.controlplane.error.UnauthorizedException;
import dev.mags.controlplane.state.UserRecord;
import dev.mags.controlplane.state.UserStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Issues and checks API tokens. A token is 32 random bytes; only its SHA-256 is stored, which is
 * enough for secrets of that entropy (no salt or slow hash needed).
 */
public final class TokenService {
    private static final String TOKEN_PREFIX = "mags_";
    private static final String USER_NAME = "[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}";

    private final UserStore users;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    /** Tokens are checked on every request; a short cache spares the state store most lookups. */
    private final VerifiedTokens verified = new VerifiedTokens();
    private final LastUse lastUse;

    public TokenService(UserStore users, Clock clock) {
        this.users = users;
        this.clock = clock;
        this.lastUse = new LastUse(users);
    }

    /** A token just issued: its row id, display prefix and creation time, and the secret (shown once). */
    public record Issued(String id, String prefix, Instant createdAt, String secret) {}

    /** Creates a token for {@code userName}, creating the user first if needed. Returns the token. */
    public String createToken(String userName, boolean adminIfNew) {
        checkUserName(userName);
        UserRecord user = users.findByName(userName).orElseGet(() -> {
            UserRecord u = new UserRecord(UUID.randomUUID().toString(), userName, adminIfNew, clock.instant());
            users.insertUser(u);
            return u;
        });
        if (users.account(userName).map(a -> a.disabledAt() != null).orElse(false)) {
            throw new IllegalArgumentException("user '" + userName + "' is disabled; an admin enables them with "
                    + "POST /api/v1/users/" + userName + "/enable");
        }
        return issue(user.id(), null).secret();
    }

    /** Issues a new token of the user {@code userId}, labelled {@code name} (may be null). */
    public Issued issue(String userId, String name) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String id = UUID.randomUUID().toString();
        String prefix = token.substring(0, 12);
        users.insertToken(id, userId, hash(token), prefix, name, now);
        return new Issued(id, prefix, now, token);
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
        VerifiedTokens.Entry hit = verified.get(hash, now);
        if (hit != null) {
            lastUse.used(hit.tokenId(), now);
            return hit.principal();
        }
        long generation = verified.generation();
        UserStore.TokenOwner owner = users.findByTokenHash(hash)
                .orElseThrow(() -> new UnauthorizedException("invalid API token (unknown, revoked, or its user is "
                        + "disabled); get a new one with 'mags login'"));
        Principal principal = new Principal(owner.user().id(), owner.user().name(), owner.user().admin(),
                owner.tokenPrefix());
        // Only valid tokens are cached, so guessing cannot fill it.
        verified.put(hash, principal, owner.tokenId(), now, generation);
        lastUse.used(owner.tokenId(), now);
        return principal;
    }

    /** Makes a token deleted from the store stop working now, not when its cache entry expires. */
    void revoked(String tokenId) {
        verified.evict(e -> e.tokenId().equals(tokenId));
        lastUse.forget(tokenId);
    }

    /** Makes the tokens of a user just disabled stop working now. */
    void disabled(String userId) {
        verified.evict(e -> e.principal().userId().equals(userId));
    }

    static void checkUserName(String userName) {
        if (userName == null || !userName.matches(USER_NAME)) {
            throw new IllegalArgumentException("user name '" + userName
                    + "' must be 1-128 characters of letters, digits, '_', '.', '@' or '-'");
        }
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
