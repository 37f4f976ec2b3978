package dev.mags.controlplane.state;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The control-plane replicas of a cluster and their heartbeats (table {@code control_planes}). */
public final class ReplicaStore {
    private final Jdbi jdbi;

    public ReplicaStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Records that replica {@code id}, started at {@code startedAt}, is alive at {@code now}. */
    public void beat(String id, Instant startedAt, Instant now) {
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("UPDATE control_planes SET last_seen_at = :now WHERE id = :id")
                    .bind("id", id).bind("now", now.toEpochMilli()).execute();
            if (updated == 0) {
                h.createUpdate("INSERT INTO control_planes (id, started_at, last_seen_at) VALUES (:id, :started, :now)")
                        .bind("id", id).bind("started", startedAt.toEpochMilli()).bind("now", now.toEpochMilli())
                        .execute();
            }
        });
    }

    /** The replicas whose last heartbeat is before {@code cutoff}. */
    public List<String> silentSince(Instant cutoff) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM control_planes WHERE last_seen_at < :cutoff")
                .bind("cutoff", cutoff.toEpochMilli()).mapTo(String.class).list());
    }

    /** Forgets a replica whose jobs were taken over. */
    public void forget(String id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM control_planes WHERE id = :id").bind("id", id).execute());
    }

    public List<String> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM control_planes ORDER BY id").mapTo(String.class).list());
    }
}
