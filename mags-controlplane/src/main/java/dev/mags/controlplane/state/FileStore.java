package dev.mags.controlplane.state;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Uploaded files (table {@code files}). Every query a user can trigger is scoped by user id. */
public final class FileStore {
    private static final RowMapper<FileRecord> ROW = (rs, ctx) -> new FileRecord(rs.getString("id"),
            rs.getString("user_id"), rs.getString("name"), rs.getLong("size_bytes"), rs.getString("sha256"),
            rs.getInt("parts"), Instant.ofEpochMilli(rs.getLong("created_at")),
            Instant.ofEpochMilli(rs.getLong("last_used_at")));

    private final Jdbi jdbi;

    public FileStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(FileRecord f) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO files (id, user_id, name, size_bytes, sha256, parts, created_at, "
                        + "last_used_at) VALUES (:id, :user, :name, :size, :sha, :parts, :created, :used)")
                .bind("id", f.id()).bind("user", f.userId()).bind("name", f.name()).bind("size", f.sizeBytes())
                .bind("sha", f.sha256()).bind("parts", f.parts()).bind("created", f.createdAt().toEpochMilli())
                .bind("used", f.lastUsedAt().toEpochMilli()).execute());
    }

    public Optional<FileRecord> find(String userId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM files WHERE id = :id AND user_id = :u")
                .bind("id", id).bind("u", userId).map(ROW).findOne());
    }

    public List<FileRecord> list(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM files WHERE user_id = :u ORDER BY created_at DESC, id")
                .bind("u", userId).map(ROW).list());
    }

    /** Bytes of the user's stored files. */
    public long totalBytes(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(size_bytes), 0) FROM files WHERE user_id = :u")
                .bind("u", userId).mapTo(Long.class).one());
    }

    /** Marks files used now (a job placed them), which restarts their retention. */
    public void touch(Collection<String> ids, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE files SET last_used_at = :t WHERE id IN (<ids>)")
                .bind("t", now.toEpochMilli()).bindList("ids", List.copyOf(ids)).execute());
    }

    /** Files not used since {@code before}, oldest first, at most {@code limit}. */
    public List<FileRecord> unusedSince(Instant before, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM files WHERE last_used_at < :t ORDER BY last_used_at LIMIT :n")
                .bind("t", before.toEpochMilli()).bind("n", limit).map(ROW).list());
    }

    /** Whether a row names this file (of any user): an upload that finished. */
    public boolean exists(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM files WHERE id = :id")
                .bind("id", id).mapTo(Long.class).one()) > 0;
    }

    /** Deletes the user's file row; false when the user has none of that id. */
    public boolean delete(String userId, String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM files WHERE id = :id AND user_id = :u")
                .bind("id", id).bind("u", userId).execute()) > 0;
    }
}
