package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.protocol.v2.CommandGate;
import dev.mags.protocol.v2.ExecExit;
import dev.mags.protocol.v2.ExecSpec;
import dev.mags.protocol.v2.FileEntry;
import dev.mags.protocol.v2.NetworkMode;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.SandboxFiles;
import dev.mags.protocol.v2.SandboxId;
import dev.mags.protocol.v2.SandboxLimits;
import dev.mags.protocol.v2.SandboxSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A running sandbox's files reached from the host ({@code Sandbox.files()}): what is written is what the sandbox
 * sees, owned by its root; and every attempt to reach the host through a symlink or {@code ..}, as a path would
 * on the host, stays inside the sandbox. Needs root.
 */
class SandboxFilesIT {
    private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ);
    private static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    private static ItHost host;
    private static LocalAgent agent;
    /** A file of the host's, outside every sandbox: what an escape would reach. */
    private static Path secret;
    private Sandbox sandbox;
    private SandboxFiles files;

    @BeforeAll
    static void setUp() throws IOException {
        host = ItHost.create();
        agent = host.agent();
        secret = host.base.resolve("host-secret");
        Files.writeString(secret, "host-secret\n");
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (host != null) {
            host.close();
        }
    }

    @BeforeEach
    void create() {
        sandbox = agent.create(new SandboxSpec(SandboxId.of(ItHost.uniqueId("files")), "busybox", SandboxLimits.DEFAULT,
                NetworkMode.NONE, null, null, Map.of()));
        files = sandbox.files();
    }

    @AfterEach
    void stopAndCheckNothingIsLeft() throws Exception {
        sandbox.stop(Duration.ZERO, false).get(60, TimeUnit.SECONDS);
        assertThat(HostLeaks.scan(host.config)).isEmpty();
        assertThat(Files.readString(secret)).isEqualTo("host-secret\n");
    }

    private List<String> sh(String script) throws Exception {
        RecordingListener out = new RecordingListener();
        ExecExit exit = sandbox.exec(ExecSpec.shell(script, Map.of(), null), out, CommandGate.OPEN).exit()
                .get(60, TimeUnit.SECONDS);
        assertThat(exit).as("%s: %s", script, out.lines()).isEqualTo(ExecExit.exited(0));
        return out.stdout();
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
    void whatTheHostWritesIsWhatTheSandboxSeesOwnedByItsRoot() throws Exception {
        write("/root/hello.txt", "hi\n", CREATE_NEW);
        files.mkdir("/root/d", 0750);
        assertThat(sh("cat /root/hello.txt; stat -c '%u %g %a' /root/hello.txt /root/d")).containsExactly("hi",
                "0 0 644", "0 0 750");

        sh("echo inside > /root/in; chown 1000:1001 /root/in; ln -s in /root/link");
        assertThat(read("/root/in")).isEqualTo("inside\n");
        FileEntry in = files.stat("/root/in", false);
        assertThat(in).satisfies(e -> {
            assertThat(e.name()).isEqualTo("in");
            assertThat(e.type()).isEqualTo("file");
            assertThat(e.size()).isEqualTo(7);
            assertThat(e.uid()).isEqualTo(1000);
            assertThat(e.gid()).isEqualTo(1001);
        });
        assertThat(files.stat("/root/link", false).type()).isEqualTo("symlink");
        assertThat(files.stat("/root/link", false).linkTarget()).isEqualTo("in");
        assertThat(files.stat("/root/link", true).type()).isEqualTo("file");
        assertThat(files.readLink("/root/link")).isEqualTo("in");
        assertThat(files.list("/root")).extracting(FileEntry::name).contains("hello.txt", "d", "in", "link");

        files.rename("/root/hello.txt", "/root/d/moved.txt", false);
        files.setMode("/root/d/moved.txt", 0600);
        files.setOwner("/root/d/moved.txt", 33, 33);
        files.setModified("/root/d/moved.txt", Instant.parse("2020-01-02T03:04:05Z"));
        files.symlink("/root/d/l", "moved.txt");
        assertThat(sh("stat -c '%a %u %g %Y' /root/d/moved.txt; readlink /root/d/l; test -e /root/hello.txt || echo gone"))
                .containsExactly("600 33 33 1577934245", "moved.txt", "gone");

        assertThatThrownBy(() -> write("/root/in", "again", CREATE_NEW)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> files.rename("/root/in", "/root/link", false)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> files.delete("/root/d")).isInstanceOf(DirectoryNotEmptyException.class);
        files.delete("/root/d/l");
        files.delete("/root/d/moved.txt");
        files.delete("/root/d");
        assertThatThrownBy(() -> files.stat("/root/d", false)).isInstanceOf(NoSuchFileException.class);
        write("/root/in", "over", Set.of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
        assertThat(sh("cat /root/in; echo")).containsExactly("over");
    }

    @Test
    void symlinksAndDotDotResolveInsideTheSandboxNeverOnTheHost() throws Exception {
        String hostPath = secret.toString();
        sh("echo inside-marker > /etc/marker; ln -s / /root/up; ln -s ../../../../../../../.. /root/dots; "
                + "ln -s " + hostPath + " /root/abs; ln -s /proc/self/root /root/magic; ln -s /root/dots/tmp /root/tmplink");
        String passwd = String.join("\n", sh("cat /etc/passwd")) + "\n";
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
        assertThat(sh("cat /tmp/through-link")).containsExactly("written");
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
        files.symlink("/root/made", hostPath);
        assertThatThrownBy(() -> read("/root/made")).isInstanceOf(NoSuchFileException.class);
        files.delete("/root/abs"); // the link itself, inside
        assertThat(sh("test -e /root/abs || echo gone")).containsExactly("gone");
        assertThat(secret).exists();
    }

    @Test
    void aFileLeftOpenIsClosedWhenTheSandboxEnds() throws Exception {
        SeekableByteChannel channel = files.open("/root/open", Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE), 0644);
        sandbox.stop(Duration.ZERO, false).get(60, TimeUnit.SECONDS);
        assertThat(channel.isOpen()).isFalse();
        assertThatThrownBy(() -> channel.write(ByteBuffer.wrap(new byte[1]))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> files.stat("/root", false)).isInstanceOf(ClosedChannelException.class);
    }
}
