package dev.mags.controlplane.cluster;

import dev.mags.protocol.v2.WorkspaceKey;
import dev.mags.wire.Heartbeat;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Heartbeats as an agent sends them, for tests. */
final class Beats {
    static final long GIB = 1L << 30;

    private Beats() {}

    /** Agent {@code id} on {@code http://ID.test:7070}, started at {@code started}, with 8 GiB of which 4 are free. */
    static Heartbeat beat(String id, Instant started, int slotsTotal, int slotsUsed, String... workspaces) {
        return beat(id, URI.create("http://" + id + ".test:7070"), started, slotsTotal, slotsUsed, 4 * GIB, workspaces);
    }

    /** As {@link #beat(String, Instant, int, int, String...)}, saying how much its disks' file system has free and
     * what its sandboxes' disks may still take of it. */
    static Heartbeat beatWithDisk(String id, Instant started, int slotsTotal, long diskFree, long diskGrowable) {
        return new Heartbeat(id, URI.create("http://" + id + ".test:7070"), slotsTotal, 0, 8 * GIB, 4 * GIB, List.of(),
                started, diskFree, diskGrowable);
    }

    static Heartbeat beat(String id, URI url, Instant started, int slotsTotal, int slotsUsed, long memoryFree,
                          String... workspaces) {
        List<WorkspaceKey> keys = Arrays.stream(workspaces).map(WorkspaceKey::of).toList();
        return new Heartbeat(id, url, slotsTotal, slotsUsed, 8 * GIB, memoryFree, keys, started);
    }
}
