package dev.mags.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.protocol.v2.FileEntry;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A running sandbox's files through the contract ({@link Sandbox#files()}): what is written is what the sandbox
 * sees; failures are the usual java.nio exceptions; a symlink or {@code ..} never leads out of the sandbox.
 */
public abstract class FilesContract extends AgentContract {
    private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ);
    private static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    /** A file of the host's, outside every sandbox: what an escape would reach. */
    private Path secret;
    private Sandbox sandbox;
    private SandboxFiles files;

    @BeforeAll
    final void writeTheHostsSecret() throws IOException {
        secret = host.base.resolve("host-secret");
        Files.writeString(secret, "host-secret\n");
    }

    @BeforeEach
    final void createSandbox() {
        sandbox = create("files");
        files = sandbox.files();
    }

    @AfterEach
    final void theHostsSecretIsUntouched() throws IOException {
        assertThat(Files.readString(secret)).isEqualTo("host-secret\n");
    }

    private void write(String path, String text, Set<OpenOption> options) throws IOException {
        try (SeekableByteChannel channel = files.open(path, options, 0644)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private String read(String path) throws IOException {
        try (SeekableByteChannel channel = files.open(path, READ, 0)) {
            ByteBuffer buf = ByteBuffer.allocate((int) channel.size() + 1);
            while (channel.read(buf) > 0) {
                // until the end
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void whatTheCallerWritesIsWhatTheSandboxSeesAndBack() throws Exception {
        write("/root/hello.txt", "hi\n", CREATE_NEW);
        files.mkdir("/root/d", 0750);
        assertThat(sh(sandbox, "cat /root/hello.txt; stat -c '%u %g %a' /root/hello.txt /root/d"))
                .containsExactly("hi", "0 0 644", "0 0 750");

        sh(sandbox, "echo inside > /root/in; chown 1000:1001 /root/in; ln -s in /root/link");
        assertThat(read("/root/in")).isEqualTo("inside\n");
        assertThat(files.stat("/root/in", false)).satisfies(e -> {
            assertThat(e.name()).isEqualTo("in");
            assertThat(e.type()).isEqualTo("file");
            assertThat(e.size()).isEqualTo(7);
            assertThat(e.mode()).isEqualTo(0644);
            assertThat(e.uid()).isEqualTo(1000);
            assertThat(e.gid()).isEqualTo(1001);
            assertThat(e.modified()).isNotNull();
        });
        assertThat(files.stat("/root/link", false)).satisfies(e -> {
            assertThat(e.type()).isEqualTo("symlink");
            assertThat(e.linkTarget()).isEqualTo("in");
        });
        assertThat(files.stat("/root/link", true).type()).isEqualTo("file");
        assertThat(files.stat("/root/d", false).type()).isEqualTo("dir");
        assertThat(files.readLink("/root/link")).isEqualTo("in");
        assertThat(files.list("/root")).extracting(FileEntry::name).contains("hello.txt", "d", "in", "link")
                .doesNotContain(".", "..");

        files.rename("/root/hello.txt", "/root/d/moved.txt", false);
        files.setMode("/root/d/moved.txt", 0600);
        files.setOwner("/root/d/moved.txt", 33, 33);
        files.setModified("/root/d/moved.txt", Instant.parse("2020-01-02T03:04:05Z"));
        files.symlink("/root/d/l", "moved.txt");
        assertThat(sh(sandbox, "stat -c '%a %u %g %Y' /root/d/moved.txt; readlink /root/d/l; test -e /root/hello.txt || echo gone"))
                .containsExactly("600 33 33 1577934245", "moved.txt", "gone");
        assertThat(files.stat("/root/d/moved.txt", false)).satisfies(e -> {
            assertThat(e.mode()).isEqualTo(0600);
            assertThat(e.uid()).isEqualTo(33);
            assertThat(e.modified()).isEqualTo(Instant.parse("2020-01-02T03:04:05Z"));
        });

        files.rename("/root/in", "/root/link", true);
        assertThat(files.stat("/root/link", false).type()).as("replaced").isEqualTo("file");
        write("/root/link", "over", Set.of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
        write("/root/link", "+more", Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        assertThat(sh(sandbox, "cat /root/link; echo")).containsExactly("over+more");
        files.delete("/root/d/l");
        files.delete("/root/d/moved.txt");
        files.delete("/root/d");
        assertThat(sh(sandbox, "test -e /root/d || echo gone")).containsExactly("gone");
    }

    @Test
    void failuresAreTheTypedJavaNioExceptions() throws Exception {
        sh(sandbox, "mkdir -p /root/full && touch /root/full/f /root/a /root/b");

        assertThatThrownBy(() -> files.stat("/root/missing", false)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> read("/root/missing")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> files.list("/root/missing")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> files.delete("/root/missing")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> files.mkdir("/root/missing/sub", 0755)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> write("/root/a", "again", CREATE_NEW)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> files.mkdir("/root/full", 0755)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> files.symlink("/root/a", "b")).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> files.rename("/root/a", "/root/b", false)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> files.delete("/root/full")).isInstanceOf(DirectoryNotEmptyException.class);
        assertThat(sh(sandbox, "ls /root/full; test -e /root/a && echo a")).containsExactly("f", "a");
    }

    @Test
    void symlinksAndDotDotResolveInsideTheSandboxNeverOnTheHost() throws Exception {
        String hostPath = secret.toString();
        sh(sandbox, "echo inside-marker > /etc/marker; ln -s / /root/up; ln -s ../../../../../../../.. /root/dots; "
                + "ln -s " + hostPath + " /root/abs; ln -s /proc/self/root /root/magic; ln -s /root/dots/tmp /root/tmplink");
        String passwd = String.join("\n", sh(sandbox, "cat /etc/passwd")) + "\n";
        assertThat(passwd).isNotEqualTo(Files.readString(Path.of("/etc/passwd")));

        assertThat(read("/root/up/etc/marker")).isEqualTo("inside-marker\n");
        assertThat(read("/../../../../../etc/passwd")).isEqualTo(passwd);
        assertThat(read("/root/dots/etc/passwd")).isEqualTo(passwd);
        assertThatThrownBy(() -> read("/root/abs")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> read("/root/dots" + hostPath)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> read("/../../../../.." + hostPath)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> read("/root/magic/etc/passwd")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> files.stat("/root/abs", true)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> files.list("/root/dots" + secret.getParent())).isInstanceOf(NoSuchFileException.class);

        // Writes, creates, renames and deletes through the same ways land inside, or fail.
        write("/root/tmplink/through-link", "written\n", Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE));
        assertThat(sh(sandbox, "cat /tmp/through-link")).containsExactly("written");
        assertThat(Path.of("/tmp/through-link")).doesNotExist();
        assertThatThrownBy(() -> write("/../../../.." + secret.getParent() + "/escaped", "x", CREATE_NEW))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(secret.resolveSibling("escaped")).doesNotExist();
        assertThatThrownBy(() -> write("/root/abs", "overwritten", Set.of(StandardOpenOption.WRITE)))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> files.delete("/root/dots" + hostPath)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> files.rename("/root/up/etc/marker", "/../../.." + secret.getParent() + "/stolen", false))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(secret.resolveSibling("stolen")).doesNotExist();
        assertThatThrownBy(() -> files.setMode("/root/dots" + hostPath, 0777)).isInstanceOf(NoSuchFileException.class);
        Path imagePasswd = host.config.imagesDir().resolve("busybox/rootfs/etc/passwd");
        String imageText = Files.readString(imagePasswd);
        files.symlink("/root/image-passwd", imagePasswd.toString());
        assertThatThrownBy(() -> write("/root/image-passwd", "root::0:0::/:/bin/sh\n",
                Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE))).isInstanceOf(NoSuchFileException.class);
        assertThat(imagePasswd).hasContent(imageText.strip());
        files.symlink("/root/made", hostPath);
        assertThatThrownBy(() -> read("/root/made")).isInstanceOf(NoSuchFileException.class);
        files.delete("/root/abs"); // the link itself, inside
        assertThat(sh(sandbox, "test -e /root/abs || echo gone")).containsExactly("gone");
        assertThat(secret).exists();
    }
}
