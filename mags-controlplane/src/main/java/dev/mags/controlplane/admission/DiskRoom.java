package dev.mags.controlplane.admission;

import dev.mags.protocol.v2.HostUsage;
import java.util.List;

/**
 * The room for sandbox disks on the agents' hosts, each host on its own: its free space above the reserve (the
 * reserve is kept on every host), times the overcommit, less what its live sandboxes' disks may still take. One
 * host (single node) gives today's totals; several add up, and {@link #largestBytes} says whether one of them could
 * hold a disk at all, since a disk cannot be split across hosts.
 *
 * @param freeBytes free space of all hosts, reserve included (for messages)
 * @param promisableBytes what all hosts may promise: the sum over hosts of free-above-reserve times the overcommit
 * @param growableBytes what live sandboxes' disks may still take, all hosts
 * @param largestBytes the most one host may still promise beyond its own live sandboxes' disks
 */
public record DiskRoom(long freeBytes, long promisableBytes, long growableBytes, long largestBytes) {
    /** What one host may still promise to a new disk: its free space above the reserve, times the overcommit, less
     * what its live sandboxes' disks may still take (negative when they may take more than that). */
    public static long ofHost(long freeBytes, long growableBytes, long reserveBytes, double overcommit) {
        return (long) (Math.max(0, freeBytes - reserveBytes) * overcommit) - growableBytes;
    }

    static DiskRoom of(List<HostUsage> hosts, long reserveBytes, double overcommit) {
        long free = 0;
        long promisable = 0;
        long growable = 0;
        long largest = 0;
        for (HostUsage h : hosts) {
            long mayPromise = (long) (Math.max(0, h.diskFreeBytes() - reserveBytes) * overcommit);
            free += h.diskFreeBytes();
            promisable += mayPromise;
            growable += h.diskGrowableBytes();
            largest = Math.max(largest, ofHost(h.diskFreeBytes(), h.diskGrowableBytes(), reserveBytes, overcommit));
        }
        return new DiskRoom(free, promisable, growable, largest);
    }
}
