package dev.mags.agent.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTest {
    private final FakeProcessLauncher launcher = new FakeProcessLauncher();

    @Test
    void overlayArgvLabelsTheMountAndNamesEachLayer() {
        assertThat(Mount.overlayArgv("mags-s1", Path.of("/img/rootfs"), Path.of("/d/upper"), Path.of("/d/work"),
                Path.of("/d/rootfs")))
                .containsExactly("mount", "-t", "overlay", "-o",
                        "lowerdir=/img/rootfs,upperdir=/d/upper,workdir=/d/work", "mags-s1", "/d/rootfs");
    }

    @Test
    void refusesPathsTheOptionStringCannotCarry() {
        assertThatThrownBy(() -> Mount.overlayArgv("x", Path.of("/img:2"), Path.of("/u"), Path.of("/w"), Path.of("/t")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/img:2");
    }

    @Test
    void unmountFallsBackToLazy(@TempDir Path dir) {
        launcher.respond(argv -> argv.contains("--lazy")
                ? FakeProcess.succeeds("")
                : FakeProcess.exits(32, "", "umount: /t: target is busy."));
        Mount mount = new Mount(new CommandRunner(launcher), dir.resolve("mountinfo"));

        mount.unmount(Path.of("/t"));

        assertThat(launcher.started()).containsExactly(List.of("umount", "/t"), List.of("umount", "--lazy", "/t"));
    }

    @Test
    void unmountReportsBothFailures(@TempDir Path dir) {
        launcher.respond(argv -> FakeProcess.exits(32, "", "umount: /t: not mounted."));
        Mount mount = new Mount(new CommandRunner(launcher), dir.resolve("mountinfo"));

        assertThatThrownBy(() -> mount.unmount(Path.of("/t")))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("not mounted")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    }

    @Test
    void listsMountsUnderAPrefixDeepestFirst(@TempDir Path dir) throws Exception {
        Path table = dir.resolve("mountinfo");
        Files.writeString(table, """
                27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
                90 27 0:50 / /data/sandboxes/s1/rootfs rw,relatime shared:5 - overlay mags-s1 rw,lowerdir=/i
                91 90 0:51 / /data/sandboxes/s1/rootfs/mnt\\040x rw - tmpfs tmpfs rw
                92 27 0:52 / /data/sandboxes2/s9/rootfs rw - overlay mags-s9 rw
                """);
        Mount mount = new Mount(new CommandRunner(launcher), table);

        assertThat(mount.mountsUnder(Path.of("/data/sandboxes"))).containsExactly(
                new MountEntry(Path.of("/data/sandboxes/s1/rootfs/mnt x"), "tmpfs", "tmpfs"),
                new MountEntry(Path.of("/data/sandboxes/s1/rootfs"), "overlay", "mags-s1"));
    }
}
