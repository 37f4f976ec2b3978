package dev.mags.controlplane.state;

import java.time.Instant;
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
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO api_tokens (id, user_id, token_hash, prefix, created_at) "
                        + "VALUES (:id, :user, :hash, :prefix, :created)")
                .bind("id", tokenId).bind("user", userId).bind("hash", hash).bind("prefix", prefix)
                .bind("created", created.toEpochMilli()).execute());
    }

    /** The user owning the token with this hash, and the token's display prefix. */
    public Optional<TokenOwner> findByTokenHash(String hash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT u.*, t.prefix FROM api_tokens t "
                        + "JOIN users u ON u.id = t.user_id WHERE t.token_hash = :hash")
                .bind("hash", hash)
                .map((rs, ctx) -> new TokenOwner(USER.map(rs, ctx), rs.getString("prefix")))
                .findOne());
    }

    public record TokenOwner(UserRecord user, String tokenPrefix) {}
}
