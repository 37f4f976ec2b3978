package dev.mags.storage.tree;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.storage.manifest.Entry;
import dev.mags.storage.manifest.EntryType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TreeWriterTest {
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
}
