package dev.mags.agent.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryTreeTest {

    @Test
    void deletesATreeWithoutFollowingSymlinks(@TempDir Path dir) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
        Files.writeString(tree.resolve("f"), "x");
        Files.createSymbolicLink(dir.resolve("tree/link"), outside);

        DirectoryTree.delete(dir.resolve("tree"));

        assertThat(dir.resolve("tree")).doesNotExist();
        assertThat(outside.resolve("keep.txt")).exists();
        DirectoryTree.delete(dir.resolve("tree")); // gone already: harmless
    }

    @Test
    void sizeCountsRegularFiles(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("a"), new byte[100]);
        Files.createDirectories(dir.resolve("d"));
        Files.write(dir.resolve("d/b"), new byte[23]);
        Files.createSymbolicLink(dir.resolve("l"), dir.resolve("a"));

        assertThat(DirectoryTree.sizeBytes(dir)).isEqualTo(123);
    }
}
