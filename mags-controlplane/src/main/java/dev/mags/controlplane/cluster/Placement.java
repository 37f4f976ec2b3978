package dev.mags.controlplane.cluster;

import dev.mags.protocol.v2.AgentErrorCode;
import dev.mags.protocol.v2.AgentException;
import dev.mags.protocol.v2.WorkspaceKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Where a new sandbox goes among the live agents: the keeper of its workspace's disk, else the roomier of
 * {@value #CHOICES} agents with a free slot and room for its disk (as their heartbeats and the placements since say)
 * picked at random (more free slots, then more free memory). Two random
 * choices spread sandboxes almost as evenly as asking every agent, without every placement piling onto the one
 * agent that looked emptiest at the last heartbeat.
 */
final class Placement {
    static final int CHOICES = 2;
    private static final Comparator<Member> ROOMIER = Comparator.comparingInt(Member::freeSlots)
            .thenComparingLong(Member::freeMemory);

    private Placement() {}

    /**
     * @param diskBytes the new sandbox's disk, which a host other than the workspace's keeper makes anew
     * @param reserveBytes free space every host keeps ({@code --disk-reserve-gb})
     * @param overcommit how many times its free space above the reserve a host's disks may promise
     * @throws AgentException UNREACHABLE without a live agent, CAPACITY when none has a free slot and room
     */
    static Member choose(List<Member> live, WorkspaceKey workspace, long diskBytes, long reserveBytes,
                         double overcommit, RandomGenerator random) {
        if (live.isEmpty()) {
            throw new AgentException(AgentErrorCode.UNREACHABLE, "no agent is registered and live in this cluster: "
                    + "start magsd agent --control-plane URL on each host (it registers with its first heartbeat)");
        }
        if (workspace != null) {
            Optional<Member> keeper = live.stream().filter(m -> m.keeps(workspace)).findFirst();
            if (keeper.isPresent()) {
                return keeper.get();
            }
        }
        List<Member> withSlots = live.stream().filter(m -> m.freeSlots() > 0).toList();
        if (withSlots.isEmpty()) {
            throw new AgentException(AgentErrorCode.CAPACITY, "every agent of the cluster is full (" + live.size()
                    + " live, " + live.stream().mapToInt(m -> m.record().slotsTotal()).sum() + " sandboxes in all): "
                    + "try again when sandboxes have ended, or start magsd agent on another host");
        }
        List<Member> room = withSlots.stream().filter(m -> m.diskRoom(reserveBytes, overcommit) >= diskBytes)
                .collect(Collectors.toCollection(ArrayList::new));
        if (room.isEmpty()) {
            throw new AgentException(AgentErrorCode.CAPACITY, "no agent with a free slot has room on its disk for "
                    + "this sandbox's " + diskBytes / (1024 * 1024) + " MiB disk above its reserve: ask for a smaller "
                    + "disk, try again when sandboxes have ended, or start magsd agent on another host");
        }
        Member best = null;
        for (int i = 0; i < Math.min(CHOICES, room.size()); i++) {
            Collections.swap(room, i, i + random.nextInt(room.size() - i)); // a partial shuffle: i distinct picks
            Member m = room.get(i);
            if (best == null || ROOMIER.compare(m, best) > 0) {
                best = m;
            }
        }
        return best;
    }
}
