package dev.mags.agent.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountInfoTest {

    @Test
    void parsesALineWithoutOptionalFields() {
        assertThat(MountInfo.parseLine("36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices"))
                .isEqualTo(new MountEntry(Path.of("/sys/fs/cgroup/devices"), "cgroup", "cgroup"));
    }

    @Test
    void skipsOptionalFieldsUpToTheSeparator() {
        assertThat(MountInfo.parseLine("90 27 0:50 / /a rw shared:5 master:3 - overlay mags-s1 rw,lowerdir=/x"))
                .isEqualTo(new MountEntry(Path.of("/a"), "overlay", "mags-s1"));
    }

    @Test
    void decodesOctalEscapes() {
        assertThat(MountInfo.unescape("/tmp/with\\040space\\011tab\\012nl\\134backslash"))
                .isEqualTo("/tmp/with space\ttab\nnl\\backslash");
        assertThat(MountInfo.unescape("/plain/path")).isEqualTo("/plain/path");
        assertThat(MountInfo.unescape("/trailing\\04")).isEqualTo("/trailing\\04");
        assertThat(MountInfo.unescape("/not\\999octal")).isEqualTo("/not\\999octal");
    }

    @Test
    void parsesAWholeTableAndSkipsBlankLines() {
        String table = "22 27 0:21 / /proc rw - proc proc rw\n\n27 1 254:0 / / rw - ext4 /dev/vda rw\n";
        assertThat(MountInfo.parse(table)).extracting(MountEntry::mountPoint)
                .containsExactly(Path.of("/proc"), Path.of("/"));
    }

    @Test
    void rejectsALineWithoutSeparator() {
        assertThatThrownBy(() -> MountInfo.parseLine("1 2 3:4 / /x rw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a mountinfo line");
    }
}
