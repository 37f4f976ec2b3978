package dev.mags.controlplane.cluster;

import dev.mags.controlplane.admission.DiskRoom;
import dev.mags.protocol.v2.ImageInfo;
import dev.mags.protocol.v2.WorkspaceKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A live agent in a {@link ClusterDirectory}: its last record, the link to it, the sandboxes (and workspaces) placed on
 * it since that record's heartbeat, which the record does not show yet, and its images, asked at most every few
 * seconds.
 */
final class Member {
    static final Duration IMAGES_FOR = Duration.ofSeconds(5);
    /** Heartbeats come every 2 s: a placement two of them do not list is not there any more. */
    static final Duration UNLISTED_FOR = Duration.ofSeconds(10);

    final AgentLink link;
    private volatile AgentRecord record;
    private final AtomicInteger placedSinceHeartbeat = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong diskPlacedSinceHeartbeat = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Workspaces placed here that a heartbeat has not listed yet, with when (nanoTime). Kept past the next heartbeat,
     * which the agent may have put together before the placement; forgotten once one lists them, or after
     * {@link #UNLISTED_FOR} (a workspace removed meanwhile).
     */
    private final Map<WorkspaceKey, Long> workspacesSinceHeartbeat = new ConcurrentHashMap<>();
    private volatile List<ImageInfo> images;
    private volatile long imagesAt;

    Member(AgentRecord record, AgentLink link) {
        this.record = record;
        this.link = link;
    }

    AgentRecord record() {
        return record;
    }

    String id() {
        return record.id();
    }

    /** The same agent process at the same address: its link (and the sandboxes known through it) stays valid. */
    boolean sameProcess(AgentRecord r) {
        return r.url().equals(record.url()) && r.startedAt().equals(record.startedAt());
    }

    /** A newer record of the same process: the count of placements starts again from its heartbeat. */
    void update(AgentRecord r) {
        if (!r.lastSeenAt().equals(record.lastSeenAt())) {
            placedSinceHeartbeat.set(0);
            diskPlacedSinceHeartbeat.set(0);
            long now = System.nanoTime();
            workspacesSinceHeartbeat.entrySet().removeIf(e -> r.workspaces().contains(e.getKey())
                    || now - e.getValue() > UNLISTED_FOR.toNanos());
        }
        record = r;
    }

    /** It refused a sandbox as full: no free slot until a newer heartbeat says how many it runs. */
    void full() {
        placedSinceHeartbeat.set(Math.max(0, record.slotsTotal() - record.slotsUsed()));
    }

    int freeSlots() {
        AgentRecord r = record;
        return r.slotsTotal() - r.slotsUsed() - placedSinceHeartbeat.get();
    }

    long freeMemory() {
        return record.memoryFreeBytes();
    }

    /**
     * What its host may still promise to a new sandbox disk (see {@link DiskRoom#ofHost}), less the disks placed here
     * since its heartbeat; {@link Long#MAX_VALUE} when its heartbeat does not say.
     */
    long diskRoom(long reserveBytes, double overcommit) {
        AgentRecord r = record;
        if (r.diskFreeBytes() == AgentRecord.UNKNOWN || r.diskGrowableBytes() == AgentRecord.UNKNOWN) {
            return Long.MAX_VALUE;
        }
        return DiskRoom.ofHost(r.diskFreeBytes(), r.diskGrowableBytes(), reserveBytes, overcommit)
                - diskPlacedSinceHeartbeat.get();
    }

    /** A sandbox goes there (on {@code workspace}'s disk, or null) with a new disk of {@code newDiskBytes} (0: none). */
    void placed(WorkspaceKey workspace, long newDiskBytes) {
        placedSinceHeartbeat.incrementAndGet();
        diskPlacedSinceHeartbeat.addAndGet(newDiskBytes);
        if (workspace != null) {
            workspacesSinceHeartbeat.put(workspace, System.nanoTime());
        }
    }

    /** Whether it keeps the workspace's disk, as its heartbeat says or as a placement here since made it. */
    boolean keeps(WorkspaceKey key) {
        return record.workspaces().contains(key) || workspacesSinceHeartbeat.containsKey(key);
    }

    List<ImageInfo> images() {
        List<ImageInfo> known = images;
        if (known == null || System.nanoTime() - imagesAt > IMAGES_FOR.toNanos()) {
            known = List.copyOf(link.agent().images());
            images = known;
            imagesAt = System.nanoTime();
        }
        return known;
    }
}
