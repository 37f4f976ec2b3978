package dev.mags.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.agent.image.ImageBuilder;
import dev.mags.agent.image.ImageStore;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.protocol.v2.ImageInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The busybox image from the real /bin/busybox. */
class BusyboxImageIT {

    @Test
    void buildsInAboutASecondWithEveryApplet() throws Exception {
        Path images = Files.createTempDirectory(Path.of("/tmp"), "mags-images-it-");
        try {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            long started = System.nanoTime();

            ImageInfo info = ImageBuilder.standard(new ImageStore(images))
                    .build("busybox", new PrintStream(printed, true, StandardCharsets.UTF_8));

            long millis = (System.nanoTime() - started) / 1_000_000;
            Path rootfs = images.resolve("busybox/rootfs");
            assertThat(millis).isLessThan(5000);
            assertThat(info.sizeBytes()).isBetween(1_000_000L, 10_000_000L);
            assertThat(new ImageStore(images).list()).containsExactly(info);
            assertThat(Files.readSymbolicLink(rootfs.resolve("bin/sh"))).isEqualTo(Path.of("/bin/busybox"));
            assertThat(rootfs.resolve("usr/bin/env")).isSymbolicLink();
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("applets").contains("ready");
            System.out.printf("busybox image: %d ms, %d bytes%n", millis, info.sizeBytes());
        } finally {
            DirectoryTree.delete(images);
        }
    }
}
