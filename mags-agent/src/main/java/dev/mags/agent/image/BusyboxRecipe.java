package dev.mags.agent.image;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A tiny image: the static busybox, a symlink per applet, and the few files a shell session
 * expects. Builds in well under a second, which makes it the image of the integration tests.
 */
public final class BusyboxRecipe implements RootfsRecipe {
    private static final List<String> DIRS =
            List.of("bin", "sbin", "usr/bin", "usr/sbin", "etc", "root", "tmp", "home", "dev", "proc", "sys", "var/tmp");

    private final Busybox busybox;

    public BusyboxRecipe(Busybox busybox) {
        this.busybox = busybox;
    }

    @Override
    public void populate(Path rootfs, PrintStream progress) throws IOException {
        for (String dir : DIRS) {
            Files.createDirectories(rootfs.resolve(dir));
        }
        Files.copy(busybox.binary(), rootfs.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.setAttribute(rootfs.resolve("bin/busybox"), "unix:mode", 0755);
        int applets = 0;
        for (String applet : busybox.appletPaths()) {
            Path link = rootfs.resolve(applet);
            if (applet.equals("bin/busybox") || Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of("/bin/busybox"));
            applets++;
        }
        progress.printf("  installed busybox with %d applets%n", applets);
        Files.writeString(rootfs.resolve("etc/passwd"),
                "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        BaseEtc.writePlaceholders(rootfs);
        // Java's PosixFilePermission cannot express the sticky bit; the "unix" view can.
        Files.setAttribute(rootfs.resolve("tmp"), "unix:mode", 01777);
        Files.setAttribute(rootfs.resolve("var/tmp"), "unix:mode", 01777);
        Files.setAttribute(rootfs.resolve("root"), "unix:mode", 0700);
        progress.println("  wrote /etc/passwd, /etc/group and placeholders for hostname, hosts, resolv.conf");
    }
}
