package dev.mags.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.storage.layout.WorkspaceRef;
import dev.mags.storage.progress.ProgressListener;
import dev.mags.storage.sync.SnapshotInfo;
import dev.mags.storage.testing.S3Fixture;
import dev.mags.storage.testing.TreeDigest;
import dev.mags.storage.testing.Trees;
import dev.mags.storage.tree.FileStat;
import dev.mags.storage.tree.NativeFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs root: a tree with every kind of entry an overlay upper dir holds survives sync → restore through a
 * real S3 server, byte for byte and attribute for attribute; and a real overlay mount sees the same merged
 * view over the restored upper dir (deletions of lower files and opaque directories persist).
 */
class SnapshotFidelityIT {
    static final WorkspaceRef WS = WorkspaceRef.of("alice", "fidelity");

    @TempDir
    Path tmp;
    S3Fixture s3;
    WorkspaceStorage storage;

    @BeforeEach
    void start() {
        s3 = new S3Fixture(tmp.resolve("s3"));
        storage = new WorkspaceStorage(s3.store(), StorageSettings.defaults(tmp.resolve("state")));
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    @Test
    void everyKindOfEntrySurvivesSyncAndRestore() throws IOException {
        Path t = Files.createDirectories(tmp.resolve("upper"));
        Trees.file(t.resolve("data/big.bin"), 5 * 1024 * 1024, 1);
        Files.writeString(t.resolve("data/small.txt"), "hello\n");
        Files.createLink(t.resolve("data/big-hardlink"), t.resolve("data/big.bin"));
        Files.createSymbolicLink(t.resolve("data/rel-link"), Path.of("small.txt"));
        Files.createSymbolicLink(t.resolve("abs-link"), Path.of("/etc/passwd"));
        Files.writeString(t.resolve("usr-bin-su"), "#!/bin/sh\n");
        NativeFs.chmod(t.resolve("usr-bin-su"), 04755);
        Files.writeString(t.resolve("setgid-sticky"), "x");
        NativeFs.chmod(t.resolve("setgid-sticky"), 02640);
        Files.createDirectories(t.resolve("tmpdir"));
        NativeFs.chmod(t.resolve("tmpdir"), 01777);
        Files.writeString(t.resolve("ping"), "elf");
        NativeFs.setXattr(t.resolve("ping"), "security.capability", capNetRaw());
        NativeFs.setXattr(t.resolve("data/small.txt"), "user.mime", "text/plain".getBytes());
        NativeFs.mknod(t.resolve("etc-motd-whiteout"), NativeFs.S_IFCHR, 0, 0);
        Files.createDirectories(t.resolve("opt/opaque/inside"));
        NativeFs.setXattr(t.resolve("opt/opaque"), "trusted.overlay.opaque", "y".getBytes());
        NativeFs.mknod(t.resolve("fifo"), NativeFs.S_IFIFO | 0640, 0, 0);
        NativeFs.mknod(t.resolve("devnull"), NativeFs.S_IFCHR | 0666, 1, 3);
        NativeFs.mknod(t.resolve("loop9"), NativeFs.S_IFBLK | 0660, 7, 9);
        Files.writeString(t.resolve("owned"), "by 1234");
        NativeFs.lchown(t.resolve("owned"), 1234, 5678);
        NativeFs.lchown(t.resolve("data/rel-link"), 42, 43);
        NativeFs.lchown(t.resolve("opt"), 65534, 65534);
        long ns = 1_600_000_000_123_456_789L;
        for (String p : List.of("owned", "data/small.txt", "data/rel-link", "fifo", "etc-motd-whiteout", "opt/opaque/inside",
                "opt/opaque", "opt", "data")) {
            NativeFs.setTimes(t.resolve(p), ns += 1_000_001);
        }

        SnapshotInfo info = storage.sync(t, WS, ProgressListener.NONE);
        Path restored = tmp.resolve("restored/upper");
        storage.restore(WS, Optional.of(info.id()), restored, ProgressListener.NONE);

        assertThat(TreeDigest.of(restored)).isEqualTo(TreeDigest.of(t));
        FileStat su = FileStat.of(restored.resolve("usr-bin-su"));
        assertThat(su.permissions()).isEqualTo(04755);
        FileStat wh = FileStat.of(restored.resolve("etc-motd-whiteout"));
        assertThat(wh.type()).isEqualTo(NativeFs.S_IFCHR);
        assertThat(wh.rdev()).isZero();
        assertThat(NativeFs.xattr(restored.resolve("opt/opaque"), "trusted.overlay.opaque")).containsExactly('y');
        assertThat(NativeFs.xattr(restored.resolve("ping"), "security.capability")).containsExactly(capNetRaw());
        assertThat(FileStat.of(restored.resolve("data/big-hardlink")).ino())
                .isEqualTo(FileStat.of(restored.resolve("data/big.bin")).ino());
    }

    @Test
    void anOverlayOverTheRestoredUpperDirShowsTheSameFiles() throws Exception {
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        Files.createDirectories(lower.resolve("etc"));
        Files.writeString(lower.resolve("etc/motd"), "welcome");
        Files.createDirectories(lower.resolve("opt/t"));
        Files.writeString(lower.resolve("opt/t/old"), "lower file");
        Files.writeString(lower.resolve("keep"), "kept");
        Path upper = Files.createDirectories(tmp.resolve("upper"));
        Path merged = Files.createDirectories(tmp.resolve("merged"));
        mount(lower, upper, Files.createDirectories(tmp.resolve("work")), merged);
        try {
            Files.writeString(Files.createDirectories(merged.resolve("root")).resolve("a"), "hi");
            Files.delete(merged.resolve("etc/motd"));                  // → whiteout in upper
            Files.delete(merged.resolve("opt/t/old"));
            Files.delete(merged.resolve("opt/t"));
            Files.createDirectories(merged.resolve("opt/t"));             // → opaque dir in upper
            Files.writeString(merged.resolve("opt/t/x"), "x");
        } finally {
            umount(merged);
        }
        assertThat(FileStat.of(upper.resolve("etc/motd")).type()).isEqualTo(NativeFs.S_IFCHR);

        storage.sync(upper, WS, ProgressListener.NONE);
        Path restored = tmp.resolve("restored-upper");
        storage.restore(WS, Optional.empty(), restored, ProgressListener.NONE);
        Path merged2 = Files.createDirectories(tmp.resolve("merged2"));
        mount(lower, restored, Files.createDirectories(tmp.resolve("work2")), merged2);
        try {
            assertThat(merged2.resolve("root/a")).hasContent("hi");
            assertThat(merged2.resolve("etc/motd")).doesNotExist();
            assertThat(merged2.resolve("opt/t/x")).hasContent("x");
            assertThat(merged2.resolve("opt/t/old")).doesNotExist();
            assertThat(merged2.resolve("keep")).hasContent("kept");
        } finally {
            umount(merged2);
        }
    }

    /** VFS_CAP_REVISION_2 with cap_net_raw (13) permitted and effective. */
    static byte[] capNetRaw() {
        return ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putInt(0x02000001).putInt(1 << 13).putInt(0)
                .putInt(0).putInt(0).array();
    }

    static void mount(Path lower, Path upper, Path work, Path merged) throws Exception {
        run("mount", "-t", "overlay", "overlay", "-o",
                "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work, merged.toString());
    }

    static void umount(Path merged) throws Exception {
        run("umount", merged.toString());
    }

    static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
    }
}
