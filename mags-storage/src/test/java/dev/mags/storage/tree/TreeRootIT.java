package dev.mags.storage.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * As root (what the agent runs as): the metadata calls a restore makes by directory descriptor and name
 * (chown, chmod, times, xattrs) change a symlink planted in their way, never its target; and no accessor
 * crosses into a file system mounted inside the tree.
 */
class TreeRootIT {
    @TempDir
    Path tmp;
    Path tree;
    Path secret;
    Path mount;

    @BeforeEach
    void plant() throws Exception {
        tree = Files.createDirectories(tmp.resolve("tree"));
        Path outside = Files.createDirectories(tmp.resolve("host"));
        secret = outside.resolve("secret");
        Files.writeString(secret, "host secret");
        NativeFs.chmod(secret, 0600);
        NativeFs.setTimes(secret, 1_000_000_000_123L);
        NativeFs.setXattr(secret, "trusted.host", "only the host's".getBytes(StandardCharsets.UTF_8));
        Files.createSymbolicLink(tree.resolve("hostfile"), secret);
        Files.createSymbolicLink(tree.resolve("hostdir"), outside);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    private FileStat secretStat() throws IOException {
        return FileStat.of(secret);
    }

    @Test
    void metadataCallsOnASymlinksNameChangeTheLinkNeverItsTarget() throws IOException {
        FileStat before = secretStat();
        try (TreeRoot root = TreeRoot.open(tree); TreeDir dir = root.openDir("")) {
            dir.chown("hostfile", 4242, 4343);
            assertThatThrownBy(() -> dir.chmod("hostfile", 06777)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> Chmod.viaProc(dir.fd(), "hostfile", 06777, "hostfile"))
                    .isInstanceOf(TreeChangedException.class).hasMessageContaining("symbolic link");
            dir.setTimes("hostfile", 42_000_000_007L);
            dir.setXattr("hostfile", "trusted.planted", "x".getBytes(StandardCharsets.UTF_8));
            assertThat(dir.xattrs("hostfile")).containsOnlyKeys("trusted.planted");
            FileStat link = dir.stat("hostfile");
            assertThat(link.uid()).isEqualTo(4242);
            assertThat(link.mtimeNs()).isEqualTo(42_000_000_007L);
        }
        FileStat after = secretStat();
        assertThat(after.uid()).isEqualTo(before.uid());
        assertThat(after.gid()).isEqualTo(before.gid());
        assertThat(after.permissions()).isEqualTo(0600);
        assertThat(after.mtimeNs()).isEqualTo(1_000_000_000_123L);
        assertThat(NativeFs.xattrs(secret)).containsOnlyKeys("trusted.host");
    }

    @Test
    void chmodWithoutFchmodat2PinsTheEntryAndSetsSetuidBits() throws IOException {
        Files.writeString(tree.resolve("tool"), "#!/bin/sh\n");
        try (TreeRoot root = TreeRoot.open(tree); TreeDir dir = root.openDir("")) {
            Chmod.viaProc(dir.fd(), "tool", 04755, "tool");
            assertThat(dir.stat("tool").permissions()).isEqualTo(04755);
            dir.chmod("tool", 02711);
            assertThat(dir.stat("tool").permissions()).isEqualTo(02711);
        }
    }

    @ParameterizedTest
    @EnumSource(TreeRoot.Resolution.class)
    void noAccessorEntersAFileSystemMountedInsideTheTree(TreeRoot.Resolution r) throws Exception {
        mount = Files.createDirectories(tree.resolve("mnt"));
        run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString());
        Files.writeString(mount.resolve("file"), "on another file system");
        try (TreeRoot root = TreeRoot.open(tree, r)) {
            assertThatThrownBy(() -> root.openForReading("mnt/file")).isInstanceOf(TreeChangedException.class);
            assertThatThrownBy(() -> root.createFile("mnt/new", 0644)).isInstanceOf(TreeChangedException.class);
            try (DirCursor dirs = new DirCursor(root)) {
                assertThatThrownBy(() -> dirs.parentOf("mnt/file")).isInstanceOf(TreeChangedException.class)
                        .hasMessageContaining("mount point");
            }
            assertThat(TreeScanner.scan(root)).extracting(ScannedEntry::path).doesNotContain("mnt", "mnt/file");
        }
        assertThat(Files.exists(mount.resolve("new"))).isFalse();
    }

    private static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
    }
}
