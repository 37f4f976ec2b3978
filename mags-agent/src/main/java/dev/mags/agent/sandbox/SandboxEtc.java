package dev.mags.agent.sandbox;

import java.io.IOException;
import java.nio.file.Files;

/**
 * A sandbox's own {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/resolv.conf}. Images
 * built with mmdebstrap carry the build host's copies, so every sandbox gets fresh ones bind-mounted.
 */
final class SandboxEtc {
    private SandboxEtc() {}

    /** For a sandbox without outbound network there is no name server to point at. */
    static final String NO_NETWORK_RESOLV_CONF = "# mags: this sandbox has no network but loopback\n";

    static void write(SandboxPaths paths, String hostname, String resolvConf) throws IOException {
        Files.createDirectories(paths.etc());
        Files.writeString(paths.etcHostname(), hostname + "\n");
        Files.writeString(paths.etcHosts(),
                "127.0.0.1\tlocalhost " + hostname + "\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        Files.writeString(paths.resolvConf(), resolvConf);
    }
}
