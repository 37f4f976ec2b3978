package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.HostInotifyLimits.Raise;
import dev.mags.agent.security.InotifyLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a directory standing for /proc/sys; the real sysctls are raised in every integration test's agent. */
class HostInotifyLimitsTest {
    @TempDir
    Path procSys;
    private Path instances;
    private Path watches;

    @BeforeEach
    void kernelDefaults() throws IOException {
        Path dir = Files.createDirectories(procSys.resolve("fs/inotify"));
        instances = Files.writeString(dir.resolve("max_user_instances"), "128\n");
        watches = Files.writeString(dir.resolve("max_user_watches"), "192540\n");
    }

    /** In one read: a real sysctl answers only the first (the test's own files do not care). */
    private long value(Path sysctl) throws IOException {
        try (java.io.InputStream in = new java.io.FileInputStream(sysctl.toFile())) {
            return Long.parseLong(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip());
        }
    }

    @Test
    void theFirstSandboxesGetRoomForAStepOfThemPlusRootsOwn() throws Exception {
        HostInotifyLimits limits = new HostInotifyLimits(procSys, InotifyLimits.DEFAULT);

        assertThat(limits.roomFor(2)).containsExactly(
                new Raise("fs.inotify.max_user_instances", 128, 128 + 64 * 128),
                new Raise("fs.inotify.max_user_watches", 192_540, 8192 + 64 * 65_536));
        assertThat(value(instances)).isEqualTo(8320);
        assertThat(value(watches)).isEqualTo(4_202_496);
        assertThat(limits.roomFor(64)).as("covered already: nothing read or written").isEmpty();
    }

    @Test
    void moreSandboxesRaiseByAnotherStep() throws Exception {
        HostInotifyLimits limits = new HostInotifyLimits(procSys, InotifyLimits.DEFAULT);
        limits.roomFor(1);

        assertThat(limits.roomFor(65)).extracting(Raise::to).containsExactly(128 + 128 * 128L, 8192 + 128 * 65_536L);
        assertThat(value(instances)).isEqualTo(16_512);
    }

    @Test
    void higherLimitsAreKept() throws Exception {
        Files.writeString(instances, "1048576\n");
        Files.writeString(watches, "2147483647\n");

        assertThat(new HostInotifyLimits(procSys, InotifyLimits.DEFAULT).roomFor(10)).isEmpty();
        assertThat(value(instances)).isEqualTo(1_048_576);
        assertThat(value(watches)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void theNeedStopsAtTheLargestValueTheKernelTakes() {
        assertThat(HostInotifyLimits.needed(8192, Integer.MAX_VALUE, 64)).isEqualTo(Integer.MAX_VALUE);
        assertThat(HostInotifyLimits.needed(128, 128, 0)).isEqualTo(128);
    }

    @Test
    void aLimitThatCannotBeRaisedNamesTheSysctlToSet() throws Exception {
        // a read-only sysctl (0444): even root's write is refused, as on a host whose /proc/sys is read-only
        Files.delete(instances);
        Files.createSymbolicLink(instances, Path.of("/proc/sys/kernel/ngroups_max"));
        long current = value(instances);
        long needed = 128 + 64 * 4096L;

        assertThatThrownBy(() -> new HostInotifyLimits(procSys, new InotifyLimits(4096, 65_536)).roomFor(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot raise fs.inotify.max_user_instances from " + current + " to " + needed)
                .hasMessageContaining("set it on the host (sysctl -w fs.inotify.max_user_instances=" + needed + ")");
    }

    @Test
    void aMissingSysctlIsNamed() throws Exception {
        Files.delete(watches);

        assertThatThrownBy(() -> new HostInotifyLimits(procSys, InotifyLimits.DEFAULT).roomFor(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot read fs.inotify.max_user_watches");
    }
}
