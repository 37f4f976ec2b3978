package dev.mags.agent.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.agent.process.CommandFailedException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop mount made with the loop driver's ioctls, as a sandbox disk is mounted (root). */
class KernelMountCallsIT {
    @TempDir
    Path tmp;

    final KernelMountCalls calls = KernelMountCalls.load();

    @Test
    void anExt4ImageIsMountedThroughAnAutoClearLoopDeviceThatTheUnmountFrees() throws Exception {
        Path image = ext4Image("disk.img");
        Path target = Files.createDirectory(tmp.resolve("disk"));
        calls.mountLoop(image, target, "ext4", "noinit_itable");
        try {
            assertThat(mountSourceOf(target)).startsWith("/dev/loop");
            assertThat(loopDevicesOn(image)).hasSize(1);
            Files.writeString(target.resolve("hello"), "hi");
        } finally {
            calls.umount(target, false);
        }
        awaitNoLoopDeviceOn(image);

        calls.mountLoop(image, target, "ext4", "noinit_itable"); // what was written is on the image
        try {
            assertThat(Files.readString(target.resolve("hello"))).isEqualTo("hi");
        } finally {
            calls.umount(target, false);
        }
        awaitNoLoopDeviceOn(image);
    }

    @Test
    void aFileThatIsNoFileSystemFailsByNameAndLeavesNoLoopDevice() throws Exception {
        Path junk = tmp.resolve("junk.img");
        try (RandomAccessFile f = new RandomAccessFile(junk.toFile(), "rw")) {
            f.setLength(16 << 20);
        }
        Path target = Files.createDirectory(tmp.resolve("junk"));
        assertThatThrownBy(() -> calls.mountLoop(junk, target, "ext4", "noinit_itable"))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("mount(2)").hasMessageContaining("loop");
        awaitNoLoopDeviceOn(junk);
    }

    @Test
    void anOverlayIsMountedFromDescriptorsSoTheMountTableShowsNoPathOfItsLayers() throws Exception {
        Path lower = Files.createDirectory(tmp.resolve("lower"));
        Files.writeString(lower.resolve("from-lower"), "image");
        Path upper = Files.createDirectory(tmp.resolve("upper"));
        Path work = Files.createDirectory(tmp.resolve("work"));
        Path target = Files.createDirectory(tmp.resolve("root"));
        calls.mountOverlay("mags", List.of(lower), upper, work, target);
        try {
            String fileSystem = mountInfoLine(target).split(" - ")[1]; // type, source, options
            assertThat(fileSystem).startsWith("overlay mags ")
                    .containsPattern("lowerdir=/proc/self/fd/[0-9]+,upperdir=/proc/self/fd/[0-9]+,workdir=/proc/self/fd/[0-9]+")
                    .doesNotContain(tmp.toString());
            assertThat(Files.readString(target.resolve("from-lower"))).isEqualTo("image");
            Files.writeString(target.resolve("written"), "sandbox");
            assertThat(upper.resolve("written")).hasContent("sandbox");
            assertThat(lower.resolve("written")).doesNotExist();
        } finally {
            calls.umount(target, false);
        }
        assertThat(mountInfoLine(target)).isEmpty();
    }

    @Test
    void anOverlayOnAMissingLayerFailsNamingItsPaths() throws Exception {
        Path target = Files.createDirectory(tmp.resolve("root"));
        Path missing = tmp.resolve("no-such-lower");
        assertThatThrownBy(() -> calls.mountOverlay("mags", List.of(missing), Files.createDirectory(tmp.resolve("u")),
                Files.createDirectory(tmp.resolve("w")), target))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("lowerdir=" + missing);
        assertThat(mountInfoLine(target)).isEmpty();
    }

    private static String mountInfoLine(Path target) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals(target.toString())).findFirst().orElse("");
    }

    private Path ext4Image(String name) throws Exception {
        Path image = tmp.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(64 << 20);
        }
        Process mkfs = new ProcessBuilder("mkfs.ext4", "-q", "-F", image.toString()).redirectErrorStream(true).start();
        assertThat(mkfs.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfs.exitValue()).as(new String(mkfs.getInputStream().readAllBytes())).isZero();
        return image;
    }

    private static String mountSourceOf(Path target) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] halves = line.split(" - ");
            String[] fields = halves[0].split(" ");
            if (fields[4].equals(target.toString())) {
                return halves[1].split(" ")[1];
            }
        }
        return "";
    }

    private static List<String> loopDevicesOn(Path file) throws IOException {
        List<String> devices = new ArrayList<>();
        try (Stream<Path> blocks = Files.list(Path.of("/sys/block"))) {
            for (Path block : blocks.filter(b -> b.getFileName().toString().startsWith("loop")).toList()) {
                Path backing = block.resolve("loop/backing_file");
                if (Files.exists(backing) && Files.readString(backing).strip().startsWith(file.toString())) {
                    devices.add(block.getFileName().toString());
                }
            }
        }
        return devices;
    }

    private static void awaitNoLoopDeviceOn(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!loopDevicesOn(file).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(loopDevicesOn(file)).as("loop devices left on " + file).isEmpty();
    }
}
