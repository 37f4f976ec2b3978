package dev.mags.controlplane.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Users' SSH public keys (table {@code ssh_keys}). */
public final class SshKeyStore {
    private static final RowMapper<SshKeyRecord> ROW = (rs, ctx) -> new SshKeyRecord(rs.getString("id"),
            rs.getString("user_id"), rs.getString("name"), rs.getString("public_key"), rs.getString("fingerprint"),
            Instant.ofEpochMilli(rs.getLong("created_at")));

    private final Jdbi jdbi;

    public SshKeyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Stores the key; false when a key with its fingerprint is stored already (for any user), which the
     * database's unique index decides, so two users adding one key at once cannot both succeed.
     */
    public boolean insert(SshKeyRecord key) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO ssh_keys (id, user_id, name, public_key, fingerprint, "
                            + "created_at) VALUES (:id, :user, :name, :key, :fp, :created)")
                    .bind("id", key.id()).bind("user", key.userId()).bind("name", key.name())
                    .bind("key", key.publicKey()).bind("fp", key.fingerprint())
                    .bind("created", key.createdAt().toEpochMilli()).execute());
            return true;
        } catch (UnableToExecuteStatementException e) {
            if (byFingerprint(key.fingerprint()).isPresent()) {
                return false;
            }
            throw e;
        }
    }

    public List<SshKeyRecord> list(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM ssh_keys WHERE user_id = :u ORDER BY created_at, id")
                .bind("u", userId).map(ROW).list());
    }

    public long count(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM ssh_keys WHERE user_id = :u")
                .bind("u", userId).mapTo(Long.class).one());
    }

    public Optional<SshKeyRecord> byFingerprint(String fingerprint) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM ssh_keys WHERE fingerprint = :fp")
                .bind("fp", fingerprint).map(ROW).findOne());
    }

    /** Deletes the user's key with this id; false when the user has none of that id. */
    public boolean delete(String userId, String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM ssh_keys WHERE user_id = :u AND id = :id")
                .bind("u", userId).bind("id", id).execute()) > 0;
    }
}
