package dev.mags.controlplane.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Users and their API tokens. Tokens are only ever stored as hashes. */
public final class UserStore {
    private static final RowMapper<UserRecord> USER = (rs, ctx) -> new UserRecord(
            rs.getString("id"), rs.getString("name"), rs.getBoolean("admin"),
            Instant.ofEpochMilli(rs.getLong("created_at")));

    private final Jdbi jdbi;

    public UserStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public long countUsers() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one());
    }

    public Optional<UserRecord> findByName(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE name = :name")
                .bind("name", name).map(USER).findOne());
    }

    public void insertUser(UserRecord user) {
        jdbi.useHandle(h -> h.createUpdate(
                        "INSERT INTO users (id, name, admin, created_at) VALUES (:id, :name, :admin, :created)")
                .bind("id", user.id()).bind("name", user.name()).bind("admin", user.admin())
                .bind("created", user.createdAt().toEpochMilli()).execute());
    }

    public void insertToken(String tokenId, String userId, String hash, String prefix, Instant created) {
        insertToken(tokenId, userId, hash, prefix, null, created);
    }

    public void insertToken(String tokenId, String userId, String hash, String prefix, String name, Instant created) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO api_tokens (id, user_id, token_hash, prefix, name, created_at) "
                        + "VALUES (:id, :user, :hash, :prefix, :name, :created)")
                .bind("id", tokenId).bind("user", userId).bind("hash", hash).bind("prefix", prefix)
                .bind("name", name).bind("created", created.toEpochMilli()).execute());
    }

    /** The enabled user owning the token with this hash, with the token's id and display prefix. */
    public Optional<TokenOwner> findByTokenHash(String hash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT u.*, t.id AS token_id, t.prefix FROM api_tokens t "
                        + "JOIN users u ON u.id = t.user_id WHERE t.token_hash = :hash AND u.disabled_at IS NULL")
                .bind("hash", hash)
                .map((rs, ctx) -> new TokenOwner(USER.map(rs, ctx), rs.getString("token_id"), rs.getString("prefix")))
                .findOne());
    }

    /** A user's tokens, oldest first. */
    public List<TokenRow> tokens(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, prefix, created_at, last_used_at FROM api_tokens "
                        + "WHERE user_id = :user ORDER BY created_at, id")
                .bind("user", userId)
                .map((rs, ctx) -> new TokenRow(rs.getString("id"), rs.getString("name"), rs.getString("prefix"),
                        Instant.ofEpochMilli(rs.getLong("created_at")), instantOrNull(rs.getObject("last_used_at"))))
                .list());
    }

    public int countTokens(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM api_tokens WHERE user_id = :user")
                .bind("user", userId).mapTo(Integer.class).one());
    }

    /** Deletes the token if it is this user's; false when there is no such token of theirs. */
    public boolean deleteToken(String userId, String tokenId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM api_tokens WHERE id = :id AND user_id = :user")
                .bind("id", tokenId).bind("user", userId).execute()) == 1;
    }

    public void touchToken(String tokenId, Instant when) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE api_tokens SET last_used_at = :at WHERE id = :id")
                .bind("at", when.toEpochMilli()).bind("id", tokenId).execute());
    }

    /** Every user with whether (since when) they are disabled, by name. */
    public List<Account> accounts() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users ORDER BY name <bytewise>").map(ACCOUNT).list());
    }

    public Optional<Account> account(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE name = :name")
                .bind("name", name).map(ACCOUNT).findOne());
    }

    /** Sets or clears the user's disabled time; false when there is no such user. */
    public boolean setDisabled(String userId, Instant disabledAt) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE users SET disabled_at = :at WHERE id = :id")
                .bind("at", disabledAt == null ? null : disabledAt.toEpochMilli()).bind("id", userId)
                .execute()) == 1;
    }

    private static final RowMapper<Account> ACCOUNT = (rs, ctx) -> new Account(USER.map(rs, ctx),
            instantOrNull(rs.getObject("disabled_at")));

    private static Instant instantOrNull(Object millis) {
        return millis == null ? null : Instant.ofEpochMilli(((Number) millis).longValue());
    }

    public record TokenOwner(UserRecord user, String tokenId, String tokenPrefix) {}

    /** A token as its owner may see it: never its hash. {@code name} is null for tokens made without one. */
    public record TokenRow(String id, String name, String prefix, Instant createdAt, Instant lastUsedAt) {}

    /** A user and, when an admin disabled them, since when. */
    public record Account(UserRecord user, Instant disabledAt) {}
}
