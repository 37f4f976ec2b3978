package dev.mags.agent.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a fake mount table that the fake mount and umount programs edit. */
class TmpfsDirsTest {
    @TempDir
    Path dir;

    private final FakeProcessLauncher launcher = new FakeProcessLauncher();
    private Path mountInfo;
    private Path sandboxes;
    private Path runtime;
    private TmpfsDirs tmpfs;

    @BeforeEach
    void setUp() throws IOException {
        mountInfo = dir.resolve("mountinfo");
        Files.writeString(mountInfo, "27 1 254:0 / / rw - ext4 /dev/vda rw\n");
        launcher.respond(argv -> {
            try {
                String target = argv.get(argv.size() - 1);
                if (argv.get(0).equals("mount")) {
                    Files.writeString(mountInfo, Files.readString(mountInfo) + "90 27 0:50 / " + target + " rw - tmpfs tmpfs rw\n");
                } else {
                    Files.write(mountInfo, Files.readAllLines(mountInfo).stream().filter(l -> !l.contains(" " + target + " ")).toList());
                }
                return FakeProcess.succeeds("");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        sandboxes = dir.resolve("data/sandboxes");
        runtime = dir.resolve("data/runtime");
        tmpfs = TmpfsDirs.forAgent(new Mount(new CommandRunner(launcher), mountInfo), sandboxes, 100000, runtime,
                dir.resolve("data"));
    }

    @Test
    void mountsEachDirectoryOnceAndUnmountsItWhenEmpty() throws IOException {
        assertThat(tmpfs.ensure()).isEmpty();
        assertThat(tmpfs.ensure()).as("already mounted: nothing more").isEmpty();

        assertThat(launcher.started()).containsExactly(
                List.of("mount", "-t", "tmpfs", "-o", "mode=0710,uid=0,gid=100000,size=256m", "tmpfs",
                        sandboxes.toRealPath().toString()),
                List.of("mount", "-t", "tmpfs", "-o", "mode=0700,uid=0,gid=0,size=64m", "tmpfs", runtime.toRealPath().toString()));

        tmpfs.release();

        assertThat(Files.readString(mountInfo)).doesNotContain("tmpfs");
    }

    @Test
    void aTmpfsACrashedAgentLeftIsTakenOverAndReleased() throws IOException {
        Files.createDirectories(sandboxes);
        Files.createDirectories(runtime);
        Files.writeString(mountInfo, Files.readString(mountInfo)
                + "91 27 0:51 / " + sandboxes.toRealPath() + " rw - tmpfs tmpfs rw\n"
                + "92 27 0:52 / " + runtime.toRealPath() + " rw - ext4 /dev/vdb rw\n");

        assertThat(tmpfs.ensure()).isEmpty();
        assertThat(launcher.started()).as("nothing mounted again").isEmpty();

        tmpfs.release();

        assertThat(Files.readString(mountInfo)).doesNotContain(" " + sandboxes.toRealPath() + " ")
                .as("an operator's own file system stays").contains(" " + runtime.toRealPath() + " ");
    }

    @Test
    void aTmpfsAnOlderAgentLeftWithLooserModesGetsTheSandboxesGroupAndMode0710() throws IOException {
        Files.createDirectories(sandboxes);
        Files.setAttribute(sandboxes, "unix:mode", 0711);
        Files.writeString(mountInfo, Files.readString(mountInfo) + "91 27 0:51 / " + sandboxes.toRealPath() + " rw - tmpfs tmpfs rw\n");

        tmpfs.ensure();

        assertThat((int) Files.getAttribute(sandboxes, "unix:mode") & 07777).isEqualTo(0710);
        assertThat(Files.getAttribute(sandboxes, "unix:gid")).isEqualTo(100000);
        assertThat(Files.getAttribute(sandboxes, "unix:uid")).isEqualTo(0);
    }

    @Test
    void aDirectoryWithFilesIsNotHiddenUnderAMount() throws IOException {
        Files.createDirectories(sandboxes.resolve("left-by-an-older-agent"));

        List<String> warnings = tmpfs.ensure();

        assertThat(warnings).singleElement().asString().contains(sandboxes.toString()).contains("not a mount point");
        assertThat(launcher.started()).noneSatisfy(argv -> assertThat(argv).contains(sandboxes.toRealPath().toString()));
        assertThat(launcher.started()).anySatisfy(argv -> assertThat(argv).contains(runtime.toRealPath().toString()));
    }

    @Test
    void aTmpfsThatStillHoldsASandboxStaysMountedForReconcile() throws IOException {
        tmpfs.ensure();
        Files.createDirectories(sandboxes.resolve("s1"));

        tmpfs.release();

        assertThat(Files.readString(mountInfo)).contains(" " + sandboxes.toRealPath() + " ")
                .doesNotContain(" " + runtime.toRealPath() + " ");
    }
}
