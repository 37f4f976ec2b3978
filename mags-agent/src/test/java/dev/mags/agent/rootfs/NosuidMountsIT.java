package dev.mags.agent.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mounts whose setuid files mean nothing on the host's side (root): a sandbox disk and the restored bases'
 * directory. A setuid copy of {@code id} owned by uid 1234, run by {@code nobody}, tells whose rights it got.
 */
class NosuidMountsIT {
    private static final String PLANTED_UID = "1234";

    @TempDir
    Path tmp;

    private final Mount mount = new Mount(KernelMountCalls.load(), Path.of("/proc/self/mountinfo"));

    @BeforeEach
    void openUp() throws IOException {
        Files.setAttribute(tmp, "unix:mode", 0755); // nobody must reach the files to try them
    }

    @Test
    void aSetuidFileOnASandboxDiskGivesNothingFromTheHostButKeepsItsPowerThroughTheOverlay() throws Exception {
        Path image = ext4Image();
        Path disk = Files.createDirectory(tmp.resolve("disk"));
        Path lower = Files.createDirectory(tmp.resolve("lower"));
        Path rootfs = Files.createDirectory(tmp.resolve("rootfs"));
        mount.loop(image, disk);
        try {
            assertThat(optionsOf(disk)).contains("nosuid", "nodev");
            Files.createDirectories(disk.resolve("upper"));
            Files.createDirectories(disk.resolve("work"));
            plant(disk.resolve("upper/id"));
            mount.overlay("mags-nosuid-it", List.of(lower), disk.resolve("upper"), disk.resolve("work"), rootfs);
            try {
                assertThat(asNobody(disk.resolve("upper/id"))).as("from the disk's own mount").isEqualTo("65534");
                assertThat(asNobody(rootfs.resolve("id"))).as("through the overlay, as in the sandbox")
                        .isEqualTo(PLANTED_UID);
            } finally {
                mount.unmount(rootfs);
            }
        } finally {
            mount.unmount(disk);
        }
    }

    @Test
    void aNosuidBindIsMadeTakenOverAfterACrashAndUndone() throws Exception {
        Path bases = Files.createDirectory(tmp.resolve("bases"));
        plant(bases.resolve("id"));
        assertThat(asNobody(bases.resolve("id"))).as("an ordinary directory").isEqualTo(PLANTED_UID);

        new NosuidBind(mount).ensure(bases); // an agent that then crashes
        assertThat(optionsOf(bases)).contains("nosuid", "nodev");
        assertThat(asNobody(bases.resolve("id"))).isEqualTo("65534");

        NosuidBind next = new NosuidBind(mount);
        next.ensure(bases);
        assertThat(mountsOn(bases)).as("taken over, not mounted twice").isEqualTo(1);
        next.release();
        assertThat(mountsOn(bases)).isZero();
    }

    /** A setuid copy of id owned by uid 1234. */
    private static void plant(Path file) throws IOException {
        Files.copy(Path.of("/usr/bin/id"), file, StandardCopyOption.REPLACE_EXISTING);
        Files.setAttribute(file, "unix:uid", Integer.parseInt(PLANTED_UID));
        Files.setAttribute(file, "unix:mode", 04755);
    }

    /** The effective uid {@code idCopy -u} reports when nobody runs it. */
    private static String asNobody(Path idCopy) throws Exception {
        Process p = new ProcessBuilder("runuser", "-u", "nobody", "--", idCopy.toString(), "-u").redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private Path ext4Image() throws Exception {
        Path image = tmp.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(64 << 20);
        }
        Process mkfs = new ProcessBuilder("mkfs.ext4", "-q", "-F", image.toString()).redirectErrorStream(true).start();
        assertThat(mkfs.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfs.exitValue()).isZero();
        return image;
    }

    private static String optionsOf(Path dir) throws IOException {
        String point = dir.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" "))
                .filter(f -> f[4].equals(point)).map(f -> f[5]).reduce((a, b) -> b).orElse("");
    }

    private static long mountsOn(Path dir) throws IOException {
        String point = dir.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" "))
                .filter(f -> f[4].equals(point)).count();
    }
}
