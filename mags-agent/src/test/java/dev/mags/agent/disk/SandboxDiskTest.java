package dev.mags.agent.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import dev.mags.agent.process.FakeProcess;
import dev.mags.agent.process.FakeProcessLauncher;
import dev.mags.agent.rootfs.Mount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxDiskTest {
    @TempDir
    Path dir;

    private final FakeProcessLauncher launcher = new FakeProcessLauncher();
    private Path sysBlock;
    private Path mountInfo;
    private SandboxDisk disk;
    private Losetup losetup;

    @BeforeEach
    void setUp() throws Exception {
        sysBlock = Files.createDirectories(dir.resolve("sys-block"));
        mountInfo = Files.writeString(dir.resolve("mountinfo"), "27 1 254:0 / / rw - ext4 /dev/vda rw\n");
        CommandRunner runner = new CommandRunner(launcher);
        losetup = new Losetup(runner, sysBlock);
        disk = new SandboxDisk(new Mkfs(runner), new Mount(runner, mountInfo), losetup);
    }

    private static void deleteQuietly(Path device) {
        try {
            Files.delete(device.resolve("loop/backing_file"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void attach(String device, Path file, boolean deleted) throws Exception {
        Files.createDirectories(sysBlock.resolve(device).resolve("loop"));
        Files.writeString(sysBlock.resolve(device).resolve("loop/backing_file"), file + (deleted ? " (deleted)" : "") + "\n");
    }

    @Test
    void mkfsMakesAFastThrowawayExt4() {
        assertThat(Mkfs.ext4Argv(Path.of("/s/disk.img"))).containsExactly("mkfs.ext4", "-F", "-q", "-b", "4096",
                "-m", "0", "-G", "256", "-O", "^has_journal,^resize_inode", "-E", "lazy_itable_init=1,nodiscard",
                "/s/disk.img");
    }

    @Test
    void formatCreatesASparseFileOfTheLimitAndFormatsIt() throws Exception {
        Path file = dir.resolve("disk.img");

        disk.format(file, 2L << 30);

        assertThat(Files.size(file)).isEqualTo(2L << 30);
        assertThat(launcher.last()).isEqualTo(Mkfs.ext4Argv(file));
    }

    @Test
    void formatNeverReusesAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("disk.img"), "someone's data");

        assertThatThrownBy(() -> disk.format(file, 64L << 20)).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(file).hasContent("someone's data");
    }

    @Test
    void aFailedMkfsSaysWhy() throws Exception {
        launcher.respond(argv -> FakeProcess.exits(1, "", "mkfs.ext4: No space left on device while writing out inode tables"));

        assertThatThrownBy(() -> disk.format(dir.resolve("disk.img"), 64L << 20))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("mkfs.ext4")
                .hasMessageContaining("No space left on device");
    }

    @Test
    void mountsThroughALoopDeviceNosuidNodevWithoutInitialisingInodeTables() {
        disk.mount(Path.of("/s/disk.img"), Path.of("/s/disk"));

        assertThat(launcher.last()).containsExactly("mount", "-t", "ext4", "-o", "loop,nosuid,nodev,noinit_itable",
                "/s/disk.img", "/s/disk");
    }

    @Test
    void releaseUnmountsAndDetachesOnlyTheDeviceOnItsOwnFile() throws Exception {
        Path file = dir.resolve("s1/disk.img");
        Path target = dir.resolve("s1/disk");
        Files.writeString(mountInfo, "90 27 7:1 / " + target + " rw - ext4 /dev/loop1 rw\n", java.nio.file.StandardOpenOption.APPEND);
        attach("loop1", file, true); // still attached after the unmount, say because it was lazy
        attach("loop2", dir.resolve("s2/disk.img"), false);
        attach("loop3", dir.resolve("s1/disk.img.old"), false);
        launcher.respond(argv -> { // the kernel frees the marked device at its last close
            if (argv.get(0).equals("losetup")) {
                deleteQuietly(sysBlock.resolve(argv.get(2).substring("/dev/".length())));
            }
            return FakeProcess.succeeds("");
        });

        disk.release(file, target);

        assertThat(launcher.started()).containsExactly(
                List.of("umount", target.toString()),
                List.of("losetup", "--detach", "/dev/loop1"));
    }

    @Test
    void releaseOfANeverMountedDiskDoesNothing() {
        disk.release(dir.resolve("s1/disk.img"), dir.resolve("s1/disk"));

        assertThat(launcher.started()).isEmpty();
    }

    @Test
    void aDetachThatFailsBecauseTheDeviceWentByItselfIsFine() throws Exception {
        Path file = dir.resolve("s1/disk.img");
        attach("loop1", file, false);
        launcher.respond(argv -> {
            try {
                Files.delete(sysBlock.resolve("loop1/loop/backing_file")); // auto-clear got there first
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return FakeProcess.exits(1, "", "losetup: /dev/loop1: detach failed: No such device or address");
        });

        disk.release(file, dir.resolve("s1/disk"));

        assertThat(losetup.list()).isEmpty();
    }

    @Test
    void listsLoopDevicesWithTheirBackingFilesDeletedOrNot() throws Exception {
        attach("loop0", dir.resolve("a.img"), false);
        attach("loop7", dir.resolve("b.img"), true);
        Files.createDirectories(sysBlock.resolve("loop5")); // not attached
        Files.createDirectories(sysBlock.resolve("vda"));

        assertThat(losetup.list()).containsExactly(
                new LoopDevice("/dev/loop0", dir.resolve("a.img")), new LoopDevice("/dev/loop7", dir.resolve("b.img")));
        assertThat(losetup.backedBelow(dir)).hasSize(2);
        assertThat(losetup.backedBelow(dir.resolve("elsewhere"))).isEmpty();
    }

    @Test
    void aDeviceThatIsNotReadableWhileItIsStillAttachedIsAFailureThatSaysWhy() throws Exception {
        attach("loop0", dir.resolve("a.img"), false);
        Files.createDirectories(sysBlock.resolve("loop3/loop/backing_file")); // unreadable while its device is there

        assertThatThrownBy(() -> losetup.list()).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageStartingWith("cannot read the backing file of loop3: ");
    }
}
