package dev.mags.agent.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedRootTest {

    @Test
    void givesTheSandboxDirectoryUpperLayerAndEtcFilesToTheMappedRoot(@TempDir Path dir) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "chown to other users needs root");
        Path image = Files.createDirectories(dir.resolve("image/rootfs"));
        Files.setAttribute(image, "unix:uid", 100_000);
        Files.setAttribute(image, "unix:gid", 100_000);
        Files.setAttribute(image, "unix:mode", 0755);
        Path sandbox = Files.createDirectories(dir.resolve("sandboxes/s1"));
        Path upper = Files.createDirectory(sandbox.resolve("upper"));
        Files.setAttribute(upper, "unix:mode", 0700);
        Path etc = Files.createDirectory(sandbox.resolve("etc"));
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n");

        MappedRoot.prepare(IdMapping.DEFAULT, sandbox, upper, image, etc);

        assertThat(Files.getAttribute(sandbox, "unix:uid")).isEqualTo(100_000);
        assertThat((int) Files.getAttribute(sandbox, "unix:mode") & 07777).isEqualTo(0700);
        assertThat(Files.getAttribute(upper, "unix:uid")).isEqualTo(100_000);
        assertThat(Files.getAttribute(upper, "unix:gid")).isEqualTo(100_000);
        assertThat((int) Files.getAttribute(upper, "unix:mode") & 07777).isEqualTo(0755);
        assertThat(Files.getAttribute(etc, "unix:uid")).isEqualTo(100_000);
        assertThat(Files.getAttribute(etc.resolve("hosts"), "unix:uid")).isEqualTo(100_000);
        assertThat(Files.getAttribute(etc.resolve("hosts"), "unix:gid")).isEqualTo(100_000);
    }
}
