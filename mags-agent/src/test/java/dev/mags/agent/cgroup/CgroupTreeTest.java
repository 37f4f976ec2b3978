package dev.mags.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupTreeTest {

    @Test
    void findsASandboxInEveryV1Hierarchy(@TempDir Path root) throws Exception {
        for (String h : List.of("cpu", "cpuacct", "memory", "systemd", "unified")) {
            Files.createDirectories(root.resolve(h).resolve("mags/s1"));
        }
        Files.createDirectories(root.resolve("memory/mags/s2"));
        Files.createSymbolicLink(root.resolve("cpu,cpuacct"), root.resolve("cpu"));
        CgroupTree tree = new CgroupTree(root);

        assertThat(tree.dirsOf("mags", "s1")).containsExactlyInAnyOrder(
                root.resolve("cpu/mags/s1"), root.resolve("cpuacct/mags/s1"), root.resolve("memory/mags/s1"),
                root.resolve("systemd/mags/s1"), root.resolve("unified/mags/s1"));
        assertThat(tree.sandboxDirs("mags")).containsOnlyKeys("s1", "s2");
    }

    @Test
    void usesTheRootItselfOnPureV2(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids");
        Files.createDirectories(root.resolve("mags/s1"));

        assertThat(new CgroupTree(root).dirsOf("mags", "s1")).containsExactly(root.resolve("mags/s1"));
    }

    @Test
    void removesTheSandboxDirsAndChildCgroupsButNotTheParent(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("pids/mags/s1/nested"));
        Files.createDirectories(root.resolve("memory/mags/s1"));
        Files.createDirectories(root.resolve("memory/mags/other"));
        CgroupTree tree = new CgroupTree(root);

        tree.remove("mags", "s1");
        tree.remove("mags", "never-existed");

        assertThat(tree.dirsOf("mags", "s1")).isEmpty();
        assertThat(root.resolve("memory/mags/other")).isDirectory();
        assertThat(root.resolve("pids/mags")).isDirectory();
    }
}
