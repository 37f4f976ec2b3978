package dev.mags.agent.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MountFlagsTest {
    @Test
    void flagsOfTheMountBecomeBitsAndTheFileSystemsOwnOptionsStayText() {
        assertThat(MountFlags.of("nosuid,nodev,noinit_itable")).isEqualTo(new MountFlags(2 | 4, "noinit_itable"));
        assertThat(MountFlags.of("remount,bind,nosuid,nodev")).isEqualTo(new MountFlags(32 | 4096 | 2 | 4, null));
        assertThat(MountFlags.of("mode=0710,uid=0,gid=100000,size=256m"))
                .isEqualTo(new MountFlags(0, "mode=0710,uid=0,gid=100000,size=256m"));
        assertThat(MountFlags.of("lowerdir=/a:/b,upperdir=/u,workdir=/w"))
                .isEqualTo(new MountFlags(0, "lowerdir=/a:/b,upperdir=/u,workdir=/w"));
        assertThat(MountFlags.of("")).isEqualTo(new MountFlags(0, null));
    }
}
