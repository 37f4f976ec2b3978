package dev.mags.storage.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Attempts, through every accessor of {@link TreeRoot}, to make the host read or write outside a tree by a
 * symlink the tree's owner planted (as the last component or on the way) or by a FIFO; each must fail with
 * nothing read from or written to the outside directory. Both resolutions: openat2 and the component walk
 * used on kernels without it.
 */
class TreeRootTest {
    @TempDir
    Path tmp;
    Path tree;
    Path outside;

    @BeforeEach
    void plant() throws IOException {
        tree = Files.createDirectories(tmp.resolve("tree"));
        outside = Files.createDirectories(tmp.resolve("host"));
        Files.writeString(outside.resolve("secret"), "host secret");
        Files.createDirectories(tree.resolve("a/b"));
        Files.writeString(tree.resolve("a/b/own"), "own bytes");
        Files.createSymbolicLink(tree.resolve("a/hostdir"), outside);
        Files.createSymbolicLink(tree.resolve("a/hostfile"), outside.resolve("secret"));
        Files.createSymbolicLink(tree.resolve("relative"), Path.of("../host"));
    }

    private TreeRoot open(TreeRoot.Resolution r) throws IOException {
        TreeRoot root = TreeRoot.open(tree, r);
        assertThat(root.resolution()).isEqualTo(r);
        return root;
    }

    private static String read(TreeFile f) throws IOException {
        byte[] buf = new byte[64];
        int n = f.read(0, buf, 0, buf.length);
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private void assertOutsideUntouched() throws IOException {
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("secret");
        }
        assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("host secret");
    }

    @Test
    void theKernelHereHasOpenat2AndItIsWhatATreeUsesByDefault() throws IOException {
        try (TreeRoot root = TreeRoot.open(tree)) {
            assertThat(root.resolution()).isEqualTo(TreeRoot.Resolution.OPENAT2);
        }
    }

    @ParameterizedTest
    @EnumSource(TreeRoot.Resolution.class)
    void aFileIsReadOnlyIfNoSymlinkIsOnItsWay(TreeRoot.Resolution r) throws IOException {
        try (TreeRoot root = open(r)) {
            try (TreeFile own = root.openForReading("a/b/own")) {
                assertThat(read(own)).isEqualTo("own bytes");
                assertThat(own.stat().size()).isEqualTo(9);
            }
            for (String attempt : new String[] {"a/hostdir/secret", "a/hostfile", "relative/secret"}) {
                assertThatThrownBy(() -> root.openForReading(attempt)).as(attempt)
                        .isInstanceOf(TreeChangedException.class).hasMessageContaining(attempt);
            }
            assertThatThrownBy(() -> root.openForReading("a/b")).isInstanceOf(TreeChangedException.class)
                    .hasMessageContaining("not a regular file");
            assertThatThrownBy(() -> root.openForReading("a/none")).isInstanceOf(java.nio.file.NoSuchFileException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(TreeRoot.Resolution.class)
    @Timeout(60) // only against a hang: opening a FIFO without O_NONBLOCK would wait for a writer for ever
    void aFifoWhereAFileWasNeitherBlocksNorIsRead(TreeRoot.Resolution r) throws IOException {
        NativeFs.mknod(tree.resolve("a/b/fifo"), NativeFs.S_IFIFO | 0644, 0, 0);
        try (TreeRoot root = open(r)) {
            assertThatThrownBy(() -> root.openForReading("a/b/fifo")).isInstanceOf(TreeChangedException.class)
                    .hasMessageContaining("not a regular file");
        }
    }

    @ParameterizedTest
    @EnumSource(TreeRoot.Resolution.class)
    void nothingIsCreatedOrWrittenThroughASymlink(TreeRoot.Resolution r) throws IOException {
        try (TreeRoot root = open(r)) {
            assertThatThrownBy(() -> root.createFile("a/hostdir/planted", 0644)).isInstanceOf(TreeChangedException.class);
            assertThatThrownBy(() -> root.createFile("relative/planted", 0644)).isInstanceOf(TreeChangedException.class);
            // O_EXCL: a symlink as the last component is an existing entry, never followed
            assertThatThrownBy(() -> root.createFile("a/hostfile", 0644)).isInstanceOf(FileSystemException.class)
                    .hasMessageContaining("exists");
            assertThatThrownBy(() -> root.openForWriting("a/hostfile")).isInstanceOf(TreeChangedException.class);
            assertThatThrownBy(() -> root.openForWriting("a/hostdir/secret")).isInstanceOf(TreeChangedException.class);
            assertThatThrownBy(() -> root.createDir("a/hostdir/d", 0755)).isInstanceOf(TreeChangedException.class);
            assertThatThrownBy(() -> root.createSymlink("a/hostdir/l", "/etc")).isInstanceOf(TreeChangedException.class);
            assertThatThrownBy(() -> root.createNode("a/hostdir/p", NativeFs.S_IFIFO | 0644, 0, 0))
                    .isInstanceOf(TreeChangedException.class);
            assertThatThrownBy(() -> root.openDir("a/hostdir")).isInstanceOf(TreeChangedException.class);
            assertThatThrownBy(() -> root.list("relative")).isInstanceOf(TreeChangedException.class);
        }
        assertOutsideUntouched();
    }

    @ParameterizedTest
    @EnumSource(TreeRoot.Resolution.class)
    void aNewFileIsCreatedWithItsModeAndWrittenAtPositions(TreeRoot.Resolution r) throws IOException {
        try (TreeRoot root = open(r)) {
            try (TreeFile f = root.createFile("a/b/upload.txt", 0640)) {
                f.write(6, ByteBuffer.wrap("world".getBytes(StandardCharsets.UTF_8)));
                ByteBuffer direct = ByteBuffer.allocateDirect(6).put("hello ".getBytes(StandardCharsets.UTF_8)).flip();
                f.write(0, direct);
            }
            assertThatThrownBy(() -> root.createFile("a/b/upload.txt", 0640)).isInstanceOf(FileSystemException.class)
                    .hasMessageContaining("exists");
            root.createDir("a/new", 0700);
            root.createSymlink("a/new/link", "/etc/passwd");
            assertThat(root.readlink("a/new/link")).isEqualTo("/etc/passwd");
            assertThat(root.stat("a/new/link").type()).isEqualTo(NativeFs.S_IFLNK);
            assertThat(root.list("a/new")).containsExactly("link");
        }
        assertThat(Files.readString(tree.resolve("a/b/upload.txt"))).isEqualTo("hello world");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tree.resolve("a/b/upload.txt"))))
                .isEqualTo("rw-r-----");
        assertThat(Files.isDirectory(tree.resolve("a/new"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void pathsThatAreNotPlainAndRelativeAreRefusedBeforeAnyCall() throws IOException {
        try (TreeRoot root = TreeRoot.open(tree)) {
            for (String bad : new String[] {"../host/secret", "/etc/passwd", "a/../../host/secret", "a//b/own", "a/./b/own"}) {
                assertThatThrownBy(() -> root.openForReading(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            }
            assertThatThrownBy(() -> root.createFile("", 0644)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theRootItselfMustNotBeASymlink() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("tree-link"), tree);
        assertThatThrownBy(() -> TreeRoot.open(link)).isInstanceOf(TreeChangedException.class);
    }

    @Test
    void aDirectorysEntriesAreListedAndStatedByItsDescriptor() throws IOException {
        try (TreeRoot root = TreeRoot.open(tree); TreeDir a = root.openDir("a")) {
            assertThat(a.list()).containsExactlyInAnyOrder("b", "hostdir", "hostfile");
            assertThat(a.stat("hostdir").type()).isEqualTo(NativeFs.S_IFLNK);
            assertThat(a.readlink("hostfile")).isEqualTo(outside.resolve("secret").toString());
            assertThat(a.stat().type()).isEqualTo(NativeFs.S_IFDIR);
            assertThatThrownBy(() -> a.stat("b/own")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.readlink("b")).isInstanceOf(TreeChangedException.class);
        }
    }

    @Test
    void closingTwiceIsHarmless() throws IOException {
        TreeRoot root = TreeRoot.open(tree);
        TreeDir dir = root.openDir("a");
        TreeFile file = root.openForReading("a/b/own");
        file.close();
        file.close();
        dir.close();
        dir.close();
        root.close();
        root.close();
    }

    @Test
    void deletingATreeRemovesItsSymlinksNotWhatTheyPointAt() throws IOException {
        TreeWriter.deleteRecursively(tree);
        assertThat(tree).doesNotExist();
        assertOutsideUntouched();
        TreeWriter.deleteRecursively(tree); // a missing tree is fine
        Path link = Files.createSymbolicLink(tmp.resolve("link-to-host"), outside);
        TreeWriter.deleteRecursively(link);
        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertOutsideUntouched();
    }
}
