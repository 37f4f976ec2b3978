package dev.mags.agent.sandbox;

import java.io.IOException;
import java.nio.file.Files;

/**
 * A sandbox's own {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/resolv.conf}. Images
 * built with mmdebstrap carry the build host's copies, so every sandbox gets fresh ones bind-mounted.
 */
final class SandboxEtc {
    private SandboxEtc() {}

    static void write(SandboxPaths paths, String hostname) throws IOException {
        Files.createDirectories(paths.etc());
        Files.writeString(paths.etcHostname(), hostname + "\n");
        Files.writeString(paths.etcHosts(),
                "127.0.0.1\tlocalhost " + hostname + "\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        // Only loopback for now: no name server to point at until sandboxes get outbound networking.
        Files.writeString(paths.resolvConf(), "# mags: this sandbox has no outbound network yet\n");
    }
}
