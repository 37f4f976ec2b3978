package dev.mags.wire;

import dev.mags.protocol.v2.WorkspaceKey;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * What an agent tells the control plane every few seconds ({@code POST /internal/v2/agents/heartbeat}, with the
 * agent secret): who it is, where its {@code AgentServer} listens, its room, and the workspace disks it keeps.
 * The first heartbeat registers the agent.
 *
 * @param agentId       stable name of the agent (its host name unless set), unique in the cluster
 * @param url           where the control plane reaches its AgentServer, e.g. {@code http://10.0.0.5:7070}
 * @param slotsTotal    sandboxes it runs at most
 * @param slotsUsed     sandboxes it runs now
 * @param memoryTotalBytes the host's memory
 * @param memoryFreeBytes  what the host has available now
 * @param workspaces    the workspace disks it keeps
 * @param startedAt     when the agent process started: a new value means it restarted (and reaped every sandbox)
 * @param diskFreeBytes free space of the file system of its sandbox disks; null when it did not say (an older agent,
 *                      or one that could not read it): placement then does not judge its disk room
 * @param diskGrowableBytes what its live sandboxes' sparse disks may still take of that space; null as above
 */
public record Heartbeat(String agentId, URI url, int slotsTotal, int slotsUsed, long memoryTotalBytes,
                        long memoryFreeBytes, List<WorkspaceKey> workspaces, java.time.Instant startedAt,
                        Long diskFreeBytes, Long diskGrowableBytes) {
    public Heartbeat {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(url, "url");
        workspaces = List.copyOf(workspaces == null ? List.of() : workspaces);
    }

    /** A heartbeat that says nothing of the disks. */
    public Heartbeat(String agentId, URI url, int slotsTotal, int slotsUsed, long memoryTotalBytes,
                     long memoryFreeBytes, List<WorkspaceKey> workspaces, java.time.Instant startedAt) {
        this(agentId, url, slotsTotal, slotsUsed, memoryTotalBytes, memoryFreeBytes, workspaces, startedAt, null, null);
    }

    /**
     * The control plane's answer.
     *
     * @param state {@code live}, or {@code lost} when the cluster has declared this agent lost and moved its
     *              sandboxes away: the agent must then stop every sandbox it still runs before it heartbeats again
     */
    public record Answer(String state) {
        public static final Answer LIVE = new Answer("live");
        public static final Answer LOST = new Answer("lost");
    }
}
