package dev.mags.controlplane.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.protocol.v2.HostUsage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiskRoomTest {
    private static final long GIB = 1L << 30;

    @Test
    void oneHostKeepsItsReserveAndPromisesTheRestLessWhatItsDisksMayTake() {
        DiskRoom room = DiskRoom.of(List.of(host(30, 4)), 10 * GIB, 1.0);
        assertThat(room.promisableBytes()).isEqualTo(20 * GIB);
        assertThat(room.growableBytes()).isEqualTo(4 * GIB);
        assertThat(room.largestBytes()).isEqualTo(16 * GIB);
    }

    @Test
    void everyHostKeepsItsOwnReserveRatherThanOneReserveForAll() {
        // Two hosts with 8 GiB free each and a 10 GiB reserve: 16 GiB free together, yet neither may promise any.
        DiskRoom room = DiskRoom.of(List.of(host(8, 0), host(8, 0)), 10 * GIB, 1.0);
        assertThat(room.freeBytes()).isEqualTo(16 * GIB);
        assertThat(room.promisableBytes()).isZero();
        assertThat(room.largestBytes()).isZero();
    }

    @Test
    void theLargestRoomIsOneHostsNotTheSumSinceADiskIsNeverSplit() {
        DiskRoom room = DiskRoom.of(List.of(host(15, 2), host(14, 0), host(12, 5)), 10 * GIB, 1.0);
        assertThat(room.promisableBytes()).isEqualTo((5 + 4 + 2) * GIB);
        assertThat(room.largestBytes()).isEqualTo(4 * GIB);
    }

    @Test
    void theOvercommitScalesEachHostsRoom() {
        DiskRoom room = DiskRoom.of(List.of(host(20, 0)), 10 * GIB, 2.0);
        assertThat(room.promisableBytes()).isEqualTo(20 * GIB);
    }

    private static HostUsage host(long freeGib, long growableGib) {
        return new HostUsage(freeGib * GIB, growableGib * GIB, Map.of());
    }
}
