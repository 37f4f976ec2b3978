package dev.mags.agent.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code /etc} files every image carries as placeholders. Each sandbox gets its own hostname,
 * hosts and resolv.conf bind-mounted over these, so the host's own (which mmdebstrap copies in)
 * never show through.
 */
final class BaseEtc {
    static final String HOSTNAME = "mags-vm";

    private BaseEtc() {}

    static void writePlaceholders(Path rootfs) throws IOException {
        Path etc = Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(etc.resolve("hostname"), HOSTNAME + "\n");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1\tlocalhost " + HOSTNAME + "\n::1\tlocalhost\n");
        Files.writeString(etc.resolve("resolv.conf"), "");
    }
}
