package dev.mags.controlplane.cluster;

import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.wire.Heartbeat;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The cluster's agents (table {@code agents}), shared by every control-plane replica through the state store.
 * A heartbeat registers an agent or refreshes it; {@link #markLost} declares the silent ones lost.
 *
 * <p>Fencing: an agent declared lost had its sandboxes' jobs ended and may have had its work moved to other agents,
 * so it must not be used again while it may still run any of that. Its heartbeats are answered {@code lost} (and
 * change nothing) until one shows that it holds nothing any more: a new {@code startedAt} (a new process, which
 * reaped every sandbox on start) or {@code slotsUsed == 0} (the same process stopped them all, as the {@code lost}
 * answer tells it to). That heartbeat makes it live again. Each change is one conditional statement (no
 * read-then-write), so that replicas taking heartbeats and marking agents lost at once never undo one another.
 */
public final class AgentRegistry {
    private static final RowMapper<AgentRecord> ROW = (rs, ctx) -> new AgentRecord(rs.getString("id"),
            URI.create(rs.getString("url")), AgentRecord.State.ofWire(rs.getString("state")),
            Instant.ofEpochMilli(rs.getLong("started_at")), Instant.ofEpochMilli(rs.getLong("registered_at")),
            Instant.ofEpochMilli(rs.getLong("last_seen_at")), rs.getInt("slots_total"), rs.getInt("slots_used"),
            rs.getLong("memory_total_bytes"), rs.getLong("memory_free_bytes"), rs.getLong("disk_free_bytes"),
            rs.getLong("disk_growable_bytes"), workspaces(rs.getString("workspaces")));

    private final Jdbi jdbi;

    public AgentRegistry(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Takes the agent's heartbeat, received at {@code now}: registers an agent not seen before, refreshes a live one
     * (or a lost one that fenced itself, see above), and answers {@code live}; answers {@code lost} to an agent
     * declared lost that may still run what it ran before.
     */
    public Heartbeat.Answer heartbeat(Heartbeat hb, Instant now) {
        if (hb.startedAt() == null) {
            throw new IllegalArgumentException("a heartbeat says when the agent started");
        }
        return jdbi.withHandle(h -> {
            int inserted = h.createUpdate("INSERT INTO agents (id, url, state, started_at, registered_at, last_seen_at, "
                            + "slots_total, slots_used, memory_total_bytes, memory_free_bytes, disk_free_bytes, "
                            + "disk_growable_bytes, workspaces) VALUES (:id, :url, 'live', :started, :now, :now, :total, "
                            + ":used, :memTotal, :memFree, :diskFree, :diskGrowable, :ws) "
                            + "ON CONFLICT DO NOTHING")
                    .bindMap(values(hb, now)).execute();
            if (inserted > 0) {
                return Heartbeat.Answer.LIVE;
            }
            int updated = h.createUpdate("UPDATE agents SET url = :url, state = 'live', started_at = :started, "
                            + "last_seen_at = :now, slots_total = :total, slots_used = :used, memory_total_bytes = "
                            + ":memTotal, memory_free_bytes = :memFree, disk_free_bytes = :diskFree, "
                            + "disk_growable_bytes = :diskGrowable, workspaces = :ws WHERE id = :id AND "
                            + "(state = 'live' OR started_at <> :started OR :used = 0)")
                    .bindMap(values(hb, now)).execute();
            return updated > 0 ? Heartbeat.Answer.LIVE : Heartbeat.Answer.LOST;
        });
    }

    private static java.util.Map<String, Object> values(Heartbeat hb, Instant now) {
        java.util.Map<String, Object> v = new java.util.HashMap<>();
        v.put("id", hb.agentId());
        v.put("url", hb.url().toString());
        v.put("started", hb.startedAt().toEpochMilli());
        v.put("now", now.toEpochMilli());
        v.put("total", hb.slotsTotal());
        v.put("used", hb.slotsUsed());
        v.put("memTotal", hb.memoryTotalBytes());
        v.put("memFree", hb.memoryFreeBytes());
        v.put("diskFree", hb.diskFreeBytes() == null ? AgentRecord.UNKNOWN : hb.diskFreeBytes());
        v.put("diskGrowable", hb.diskGrowableBytes() == null ? AgentRecord.UNKNOWN : hb.diskGrowableBytes());
        v.put("ws", hb.workspaces().stream().map(WorkspaceKey::value).collect(Collectors.joining(",")));
        return v;
    }

    /** The live agents, by id. */
    public List<AgentRecord> live() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE state = 'live' ORDER BY id <bytewise>")
                .map(ROW).list());
    }

    /** Every agent ever registered, live or lost, by id. */
    public List<AgentRecord> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents ORDER BY id <bytewise>").map(ROW).list());
    }

    public Optional<AgentRecord> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE id = :id").bind("id", id).map(ROW)
                .findOne());
    }

    /**
     * Declares lost every live agent whose last heartbeat arrived before {@code cutoff}, and returns them (as lost).
     * Each agent is declared lost by one caller only, whichever replica's monitor gets there first.
     */
    public List<AgentRecord> markLost(Instant cutoff) {
        long before = cutoff.toEpochMilli();
        return jdbi.withHandle(h -> {
            List<AgentRecord> silent = h.createQuery("SELECT * FROM agents WHERE state = 'live' AND last_seen_at < :c "
                    + "ORDER BY id <bytewise>").bind("c", before).map(ROW).list();
            List<AgentRecord> lost = new ArrayList<>();
            for (AgentRecord a : silent) {
                int n = h.createUpdate("UPDATE agents SET state = 'lost' WHERE id = :id AND state = 'live' "
                        + "AND last_seen_at < :c").bind("id", a.id()).bind("c", before).execute();
                if (n > 0) {
                    lost.add(new AgentRecord(a.id(), a.url(), AgentRecord.State.LOST, a.startedAt(), a.registeredAt(),
                            a.lastSeenAt(), a.slotsTotal(), a.slotsUsed(), a.memoryTotalBytes(), a.memoryFreeBytes(),
                            a.diskFreeBytes(), a.diskGrowableBytes(), a.workspaces()));
                }
            }
            return lost;
        });
    }

    private static Set<WorkspaceKey> workspaces(String column) {
        if (column == null || column.isEmpty()) {
            return Set.of();
        }
        return Arrays.stream(column.split(",")).map(WorkspaceKey::of).collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
