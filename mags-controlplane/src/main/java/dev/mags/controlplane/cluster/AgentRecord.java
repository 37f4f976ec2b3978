package dev.mags.controlplane.cluster;

import dev.mags.protocol.v2.WorkspaceKey;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An agent as the registry knows it from its last accepted heartbeat.
 *
 * @param startedAt  when the agent's process started, as it said: a new value means a new process
 * @param lastSeenAt when its last accepted heartbeat arrived (by the clock of the control plane that took it)
 * @param diskFreeBytes free space of its sandbox disks' file system, {@link #UNKNOWN} when it did not say
 * @param diskGrowableBytes what its live sandboxes' disks may still take of it, {@link #UNKNOWN} when it did not say
 * @param workspaces the workspace disks it keeps
 */
public record AgentRecord(String id, URI url, State state, Instant startedAt, Instant registeredAt, Instant lastSeenAt,
                          int slotsTotal, int slotsUsed, long memoryTotalBytes, long memoryFreeBytes,
                          long diskFreeBytes, long diskGrowableBytes, Set<WorkspaceKey> workspaces) {
    /** A disk figure the agent did not report. */
    public static final long UNKNOWN = -1;

    public AgentRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(state, "state");
        workspaces = Set.copyOf(workspaces);
    }

    /** Live: it heartbeats. Lost: it fell silent, and is refused until it shows that it stopped what it ran. */
    public enum State {
        LIVE, LOST;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State ofWire(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /** Why the sandboxes this agent ran ended, once it is declared lost. */
    public String lostReason() {
        return "the agent " + id + " on " + url + " stopped answering at " + lastSeenAt;
    }
}
