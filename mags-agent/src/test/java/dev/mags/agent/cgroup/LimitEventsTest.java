package dev.mags.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitEventsTest {

    @Test
    void readsTheOomKillsAndRefusedForksOfASandboxOnCgroupV1(@TempDir Path root) throws Exception {
        Path memory = Files.createDirectories(root.resolve("memory/mags/s1"));
        Path pids = Files.createDirectories(root.resolve("pids/mags/s1"));
        Files.createDirectories(root.resolve("cpu/mags/s1"));
        Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        Files.writeString(pids.resolve("pids.events"), "max 17\n");

        assertThat(LimitEvents.read(new CgroupTree(root), "mags", "s1")).isEqualTo(new LimitEvents(2, 17));
    }

    @Test
    void readsMemoryEventsOnCgroupV2(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids");
        Path dir = Files.createDirectories(root.resolve("mags/s1"));
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 40\noom 1\noom_kill 1\noom_group_kill 0\n");
        Files.writeString(dir.resolve("pids.events"), "max 0\n");

        assertThat(LimitEvents.read(new CgroupTree(root), "mags", "s1")).isEqualTo(new LimitEvents(1, 0));
    }

    @Test
    void aSandboxWithoutCgroupsHitNothing(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("memory"));

        assertThat(LimitEvents.read(new CgroupTree(root), "mags", "gone")).isEqualTo(LimitEvents.NONE);
    }

    @Test
    void swapAccountingIsSeenOnV1(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("memory"));
        assertThat(new CgroupTree(root).hasSwapAccounting()).isFalse();

        Files.writeString(root.resolve("memory/memory.memsw.limit_in_bytes"), "9223372036854771712\n");
        assertThat(new CgroupTree(root).hasSwapAccounting()).isTrue();
    }
}
