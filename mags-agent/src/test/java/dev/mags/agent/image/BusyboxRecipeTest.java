package dev.mags.agent.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import dev.mags.agent.rootfs.DirectoryTree;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BusyboxRecipeTest {

    @Test
    void linksEveryAppletAndWritesTheBasicFiles(@TempDir Path dir) throws Exception {
        Path binary = Files.writeString(dir.resolve("busybox"), "#!fake");
        FakeProcessLauncher launcher = new FakeProcessLauncher()
                .respond(argv -> FakeProcess.succeeds("bin/busybox\nbin/sh\nusr/bin/env\nsbin/ip\n"));
        Busybox busybox = new Busybox(new CommandRunner(launcher), binary);
        Path rootfs = dir.resolve("rootfs");

        new BusyboxRecipe(busybox).populate(rootfs, new PrintStream(OutputStream.nullOutputStream()));

        assertThat(launcher.last()).containsExactly(binary.toString(), "--list-full");
        assertThat(rootfs.resolve("bin/busybox")).hasContent("#!fake").isExecutable();
        assertThat(Files.readSymbolicLink(rootfs.resolve("bin/sh"))).isEqualTo(Path.of("/bin/busybox"));
        assertThat(Files.readSymbolicLink(rootfs.resolve("usr/bin/env"))).isEqualTo(Path.of("/bin/busybox"));
        assertThat(Files.readSymbolicLink(rootfs.resolve("sbin/ip"))).isEqualTo(Path.of("/bin/busybox"));
        assertThat(rootfs.resolve("etc/passwd")).content()
                .contains("root:x:0:0:root:/root:/bin/sh").contains("nobody:x:65534");
        assertThat(rootfs.resolve("etc/group")).content().contains("root:x:0:");
        assertThat(rootfs.resolve("etc/hostname")).hasContent("mags-vm");
        for (String d : new String[] {"root", "home", "dev", "proc", "sys"}) {
            assertThat(rootfs.resolve(d)).isDirectory();
        }
        assertThat((Integer) Files.getAttribute(rootfs.resolve("tmp"), "unix:mode") & 07777).isEqualTo(01777);
        DirectoryTree.delete(rootfs); // before @TempDir does, which warns about links to outside
    }
}
