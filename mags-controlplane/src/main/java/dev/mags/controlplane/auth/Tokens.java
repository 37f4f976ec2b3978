package dev.mags.controlplane.auth;

import dev.mags.api.TokenInfo;
import dev.mags.api.TokenList;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.state.UserStore;

/** What {@code /api/v1/tokens} does: a user lists, creates and revokes their own API tokens. */
public final class Tokens {
    static final int MAX_TOKENS_PER_USER = 100;
    private static final int MAX_NAME = 128;

    private final UserStore users;
    private final TokenService tokens;

    public Tokens(UserStore users, TokenService tokens) {
        this.users = users;
        this.tokens = tokens;
    }

    public TokenList list(String userId) {
        return new TokenList(users.tokens(userId).stream()
                .map(t -> new TokenInfo(t.id(), t.name(), t.prefix(), t.createdAt(), t.lastUsedAt(), null))
                .toList());
    }

    /** A new token of this user; the answer is the only place its secret ever appears. */
    public TokenInfo create(String userId, String name) {
        String label = checkName(name);
        if (users.countTokens(userId) >= MAX_TOKENS_PER_USER) {
            throw new ConflictException("too_many_tokens", "you have " + MAX_TOKENS_PER_USER
                    + " API tokens, the most a user may have; revoke one first (DELETE /api/v1/tokens/{id})");
        }
        return info(tokens.issue(userId, label), label);
    }

    /** Deletes one of the user's tokens; it is refused from the next request on, even one sent at once. */
    public void revoke(String userId, String tokenId) {
        // Another user's token answers as a missing one: its id tells nothing.
        if (tokenId == null || !users.deleteToken(userId, tokenId)) {
            throw new NotFoundException("no API token with id '" + tokenId + "'; GET /api/v1/tokens lists yours");
        }
        tokens.revoked(tokenId);
    }

    static TokenInfo info(TokenService.Issued t, String name) {
        return new TokenInfo(t.id(), name, t.prefix(), t.createdAt(), null, t.secret());
    }

    private static String checkName(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME || n.codePoints().anyMatch(Character::isISOControl)) {
            throw new BadRequestException("invalid_field", "'name' must be 1-" + MAX_NAME
                    + " characters without control characters, e.g. {\"name\": \"laptop\"}");
        }
        return n;
    }
}
