package dev.mags.controlplane.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Workspaces in the state store, by user and name. */
public final class WorkspaceStore {
    private static final RowMapper<WorkspaceRecord> ROW = (rs, ctx) -> new WorkspaceRecord(rs.getString("user_id"),
            rs.getString("name"), rs.getString("agent_key"), Instant.ofEpochMilli(rs.getLong("created_at")),
            Instant.ofEpochMilli(rs.getLong("last_used_at")), rs.getBoolean("persistent"),
            rs.getString("base_workspace_id"), rs.getString("base_snapshot"),
            rs.getObject("disk_bytes") == null ? null : rs.getLong("disk_bytes"));

    private final Jdbi jdbi;

    public WorkspaceStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Creates the workspace if it is new, and records that it is used at {@code now}. */
    public synchronized void touch(String userId, String name, String agentKey, Instant now) {
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("UPDATE workspaces SET last_used_at = :t WHERE user_id = :u AND name = :n")
                    .bind("t", now.toEpochMilli()).bind("u", userId).bind("n", name).execute();
            if (updated == 0) {
                h.createUpdate("INSERT INTO workspaces (user_id, name, agent_key, created_at, last_used_at) "
                                + "VALUES (:u, :n, :k, :t, :t)")
                        .bind("u", userId).bind("n", name).bind("k", agentKey).bind("t", now.toEpochMilli()).execute();
            }
        });
    }

    /** Marks the workspace as synced to storage (from now on; a stored workspace never becomes local again). */
    public synchronized void markPersistent(String userId, String name) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE workspaces SET persistent = TRUE WHERE user_id = :u AND name = :n")
                .bind("u", userId).bind("n", name).execute());
    }

    /** Records the base a new fork was made from; an existing base is never replaced. */
    public synchronized void setBaseIfNone(String userId, String name, String baseWorkspaceId, String baseSnapshot) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE workspaces SET base_workspace_id = :b, base_snapshot = :s "
                        + "WHERE user_id = :u AND name = :n AND base_snapshot IS NULL")
                .bind("b", baseWorkspaceId).bind("s", baseSnapshot).bind("u", userId).bind("n", name).execute());
    }

    public synchronized void setDiskBytes(String userId, String name, long bytes) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE workspaces SET disk_bytes = :b WHERE user_id = :u AND name = :n")
                .bind("b", bytes).bind("u", userId).bind("n", name).execute());
    }

    public Optional<WorkspaceRecord> find(String userId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM workspaces WHERE user_id = :u AND name = :n")
                .bind("u", userId).bind("n", name).map(ROW).findOne());
    }

    public List<WorkspaceRecord> list(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM workspaces WHERE user_id = :u ORDER BY name <bytewise>")
                .bind("u", userId).map(ROW).list());
    }

    /** Local workspaces (persistent ones live in storage and are never reaped) no job has used since {@code cutoff}. */
    public List<WorkspaceRecord> idleSince(Instant cutoff) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM workspaces WHERE last_used_at < :c AND persistent = FALSE ORDER BY last_used_at")
                .bind("c", cutoff.toEpochMilli()).map(ROW).list());
    }

    /** Jobs of the workspace that are pending or running. */
    public long activeJobs(String userId, String name) {
        // a running job whose exit code is set is a persistent one whose script has ended: it only keeps the sandbox
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs WHERE user_id = :u AND workspace_id = :n "
                        + "AND (status = 'pending' OR (status = 'running' AND exit_code IS NULL))")
                .bind("u", userId).bind("n", name).mapTo(Long.class).one());
    }

    public synchronized void delete(String userId, String name) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM workspaces WHERE user_id = :u AND name = :n")
                .bind("u", userId).bind("n", name).execute());
    }
}
