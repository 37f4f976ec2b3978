package dev.mags.controlplane.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.controlplane.ssh.files.SandboxFileSystem;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code java.nio.file} view MINA's SFTP and scp servers get of a sandbox's files. */
class SandboxFileSystemTest {
    @TempDir
    Path host;
    SandboxFileSystem fs;

    @BeforeEach
    void open() throws Exception {
        Files.createDirectories(host.resolve("root"));
        fs = SandboxFileSystem.of(new HostFiles(host));
    }

    @Test
    void relativePathsStartInRootsHome() throws Exception {
        Files.writeString(fs.getPath("notes.txt"), "hi\n");

        assertThat(host.resolve("root/notes.txt")).hasContent("hi\n");
        assertThat(fs.getPath("").toAbsolutePath().toString()).isEqualTo("/root");
        assertThat(Files.readString(fs.getPath("/root/../root/./notes.txt"))).isEqualTo("hi\n");
        assertThat(fs.getPath("x/../notes.txt").toRealPath().toString()).isEqualTo("/root/notes.txt");
    }

    @Test
    void attributesReadAsTheUnixViewMinaAsksFor() throws Exception {
        Path file = fs.getPath("/root/a.txt");
        Files.writeString(file, "12345");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-----"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));

        Map<String, Object> unix = Files.readAttributes(file, "unix:*");

        assertThat(unix).containsEntry("size", 5L).containsEntry("isRegularFile", true)
                .containsEntry("permissions", PosixFilePermissions.fromString("rwxr-----"))
                .containsEntry("lastModifiedTime", FileTime.from(Instant.parse("2026-01-02T03:04:05Z")))
                .containsEntry("uid", Files.getAttribute(host.resolve("root/a.txt"), "unix:uid"))
                .containsEntry("mode", 0740);
        assertThat(Files.readAttributes(file, "basic:size,isDirectory")).containsOnlyKeys("size", "isDirectory");
        assertThat(Files.isDirectory(fs.getPath("/root"))).isTrue();
        assertThat(Files.exists(fs.getPath("/nothing"))).isFalse();
    }

    @Test
    void directoriesLinksMovesCopiesAndDeletes() throws Exception {
        Files.createDirectory(fs.getPath("/root/d"));
        Files.writeString(fs.getPath("/root/d/one"), "1");
        Files.writeString(fs.getPath("/root/d/two"), "2");
        Files.createSymbolicLink(fs.getPath("/root/link"), fs.getPath("d/one"));

        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(fs.getPath("/root/d"))) {
            dir.forEach(p -> names.add(p.toString()));
        }
        assertThat(names).containsExactlyInAnyOrder("/root/d/one", "/root/d/two");
        assertThat(Files.readSymbolicLink(fs.getPath("/root/link")).toString()).isEqualTo("d/one");
        assertThat(Files.isSymbolicLink(fs.getPath("/root/link"))).isTrue();

        assertThatThrownBy(() -> Files.move(fs.getPath("/root/d/one"), fs.getPath("/root/d/two")))
                .isInstanceOf(FileAlreadyExistsException.class);
        Files.move(fs.getPath("/root/d/one"), fs.getPath("/root/d/two"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(host.resolve("root/d/two")).hasContent("1");

        Files.copy(fs.getPath("/root/d/two"), fs.getPath("/root/copy"));
        assertThat(host.resolve("root/copy")).hasContent("1");

        Files.delete(fs.getPath("/root/d/two"));
        Files.delete(fs.getPath("/root/d"));
        assertThat(host.resolve("root/d")).doesNotExist();
        assertThatThrownBy(() -> Files.delete(fs.getPath("/root/d"))).isInstanceOf(NoSuchFileException.class);
    }
}
