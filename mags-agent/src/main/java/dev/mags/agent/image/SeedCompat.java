package dev.mags.agent.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * What makes the reference's examples, written for an Alpine image, work as typed on the Debian image:
 * an {@code apk} command (add, del, update, info) that maps Alpine's package names to Debian's and runs
 * apt-get, saying in one line what it installs instead; and pip configured to install as root into the
 * system's Python (Debian's pip refuses that by default, PEP 668: the image is the sandbox's own, so
 * there is no system to protect). {@code python} is python3 through Debian's {@code python-is-python3};
 * {@code vim} is vim-tiny (Debian registers it only as {@code vi}), as the interactive example types it.
 */
final class SeedCompat {
    static final String PIP_CONF = """
            # The sandbox's Python is its own: pip installs as root into it (PEP 668 guards a shared system).
            [global]
            break-system-packages = true
            root-user-action = ignore
            """;

    private SeedCompat() {}

    static void write(Path rootfs, PrintStream progress) throws IOException {
        Path apk = rootfs.resolve("usr/local/bin/apk");
        Files.createDirectories(apk.getParent());
        try (InputStream in = SeedCompat.class.getResourceAsStream("apk")) {
            if (in == null) {
                throw new IllegalStateException("the apk script is missing from mags-agent's jar");
            }
            Files.write(apk, in.readAllBytes());
        }
        Files.setPosixFilePermissions(apk, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/pip.conf"), PIP_CONF);
        Path vim = rootfs.resolve("usr/bin/vim");
        if (Files.exists(rootfs.resolve("usr/bin/vim.tiny")) && !Files.exists(vim, LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(vim, Path.of("vim.tiny"));
        }
        progress.println("  added apk (Alpine's names to apt-get), /etc/pip.conf (pip installs as root) and vim");
    }
}
