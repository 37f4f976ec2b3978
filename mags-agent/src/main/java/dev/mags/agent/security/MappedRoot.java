package dev.mags.agent.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes a sandbox's host-side files usable by its root, host uid {@link IdMapping#start()}, which has
 * no rights over files of host root.
 */
public final class MappedRoot {
    private MappedRoot() {}

    /**
     * Prepares a sandbox directory before its overlay is mounted:
     * <ul>
     *   <li>{@code sandboxDir} becomes the mapped root's, mode 0700: the runtime, acting as the mapped
     *       root, must reach the root file system and the /etc files in it, and host users must not
     *       (config.json holds the sandbox's environment; the upper layer may hold setuid files of
     *       the mapped root, which would hand a host user its uid);</li>
     *   <li>{@code upper} (the overlay's writable layer, whose owner and mode the sandbox's / shows)
     *       gets the image root's owner and mode;</li>
     *   <li>{@code etcDir} and the files in it (hostname, hosts, resolv.conf) become the mapped root's,
     *       so that root inside may edit them as on any machine.</li>
     * </ul>
     */
    public static void prepare(IdMapping mapping, Path sandboxDir, Path upper, Path imageRootfs, Path etcDir)
            throws IOException {
        giveToRoot(mapping, sandboxDir);
        Files.setAttribute(sandboxDir, "unix:mode", 0700);
        Files.setAttribute(upper, "unix:uid", Files.getAttribute(imageRootfs, "unix:uid"));
        Files.setAttribute(upper, "unix:gid", Files.getAttribute(imageRootfs, "unix:gid"));
        Files.setAttribute(upper, "unix:mode", (int) Files.getAttribute(imageRootfs, "unix:mode") & 07777);
        List<Path> etc;
        try (Stream<Path> files = Files.list(etcDir)) {
            etc = files.toList();
        }
        giveToRoot(mapping, etcDir);
        for (Path file : etc) {
            giveToRoot(mapping, file);
        }
    }

    /** Makes {@code path} (not a symlink's target) the mapped root's. */
    public static void giveToRoot(IdMapping mapping, Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", (int) mapping.start(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) mapping.start(), LinkOption.NOFOLLOW_LINKS);
    }
}
