package dev.mags.storage.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.manifest.Entry;
import dev.mags.storage.manifest.EntryType;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeWriterTest {
    @TempDir
    Path tmp;

    private static Entry e(String path, EntryType type, String target) {
        return new Entry(path, type, 0755, 0, 0, 0, 0, target, 0, 0, false, Map.of(), List.of());
    }

    private static final Entry ROOT = e("", EntryType.DIR, null);

    @Test
    void aWellFormedManifestPasses() {
        assertThatCode(() -> TreeWriter.checkPaths(List.of(ROOT, e("a", EntryType.DIR, null), e("a/f", EntryType.FILE, null),
                e("a/g", EntryType.HARDLINK, "a/f"), e("l", EntryType.SYMLINK, "/etc")))).doesNotThrowAnyException();
    }

    @Test
    void entriesThatWouldWriteOutsideTheRootAreRefused() {
        assertThatThrownBy(() -> TreeWriter.checkPaths(List.of(ROOT, e("../x", EntryType.FILE, null))))
                .isInstanceOf(IOException.class).hasMessageContaining("plain relative path");
        assertThatThrownBy(() -> TreeWriter.checkPaths(List.of(ROOT, e("/etc/passwd", EntryType.FILE, null))))
                .isInstanceOf(IOException.class);
        // a file under a symlink would be written wherever the symlink points
        assertThatThrownBy(() -> TreeWriter.checkPaths(List.of(ROOT, e("l", EntryType.SYMLINK, "/etc"),
                e("l/passwd", EntryType.FILE, null)))).isInstanceOf(IOException.class).hasMessageContaining("parent");
        assertThatThrownBy(() -> TreeWriter.checkPaths(List.of(ROOT, e("a", EntryType.FILE, null), e("a", EntryType.FILE, null))))
                .isInstanceOf(IOException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> TreeWriter.checkPaths(List.of(ROOT, e("h", EntryType.HARDLINK, "/etc/shadow"))))
                .isInstanceOf(IOException.class).hasMessageContaining("hard link");
    }

    /**
     * Past the manifest check (as if it had a hole): entries that would have a naive writer follow the
     * symlink "x" to a host directory. Every pass of the writer refuses at "x" and nothing appears outside.
     */
    @Test
    void entriesUnderASymlinkAreRefusedByTheWriterItselfNotOnlyByTheCheck() throws IOException {
        Path host = Files.createDirectories(tmp.resolve("host"));
        Path target = Files.createDirectories(tmp.resolve("restore"));
        Entry x = e("x", EntryType.SYMLINK, host.toString());
        try (TreeRoot root = TreeRoot.open(target)) {
            TreeWriter.createSkeleton(root, List.of(ROOT, x));
            assertThatThrownBy(() -> TreeWriter.createSkeleton(root, List.of(ROOT, e("x", EntryType.DIR, null))))
                    .isInstanceOf(FileSystemException.class).hasMessageContaining("exists");
            for (Entry under : List.of(e("x/sub", EntryType.DIR, null), e("x/fifo", EntryType.FIFO, null),
                    e("x/link", EntryType.SYMLINK, "/etc/shadow"))) {
                assertThatThrownBy(() -> TreeWriter.createSkeleton(root, List.of(ROOT, under))).as(under.path())
                        .isInstanceOf(TreeChangedException.class);
            }
            assertThatThrownBy(() -> root.createFile("x/admin-token", 0600)).isInstanceOf(TreeChangedException.class);
            assertThatThrownBy(() -> root.openForWriting("x/admin-token")).isInstanceOf(TreeChangedException.class);
            Files.writeString(target.resolve("own"), "own");
            assertThatThrownBy(() -> TreeWriter.createHardLinks(root, List.of(ROOT, e("x/hard", EntryType.HARDLINK, "own"))))
                    .isInstanceOf(TreeChangedException.class);
            Files.writeString(host.resolve("admin-token"), "host");
            assertThatThrownBy(() -> TreeWriter.applyMetadata(root, List.of(ROOT, e("x/admin-token", EntryType.FILE, null))))
                    .isInstanceOf(TreeChangedException.class);
        }
        try (var s = Files.list(host)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("admin-token");
        }
        assertThat(Files.getPosixFilePermissions(host.resolve("admin-token")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
}
