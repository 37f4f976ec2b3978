package dev.mags.agent.security;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Shifts a root filesystem's ownership into the sandboxes' user namespace: every file owned by
 * {@code uid:gid} becomes owned by {@code start+uid:start+gid}, so that inside a sandbox it is owned
 * by the same ids as before and root inside owns what root owned.
 *
 * <p>The kernel clears setuid/setgid bits and file capabilities on chown; the shift restores both:
 * mode bits by chmod after the chown, capabilities by re-writing the {@code security.capability}
 * attributes read before the walk, namespaced to the mapped root (see
 * {@link FileCapability#namespacedTo}). Symbolic links are changed themselves, never followed; a
 * file with several hard links is shifted once; a directory on another file system stops the shift.
 */
public final class IdShift {
    private static final String ATTRIBUTES = "unix:mode,uid,gid,ino,dev,nlink";
    private static final int SETUID_SETGID = 06000;

    private final IdMapping mapping;
    private final FileCapabilities capabilities;

    /** What a shift did, for the build's progress output. */
    public record Result(long entries, long hardLinksSkipped, long modesRestored, long capabilitiesRestored,
            Duration took) {}

    public IdShift(IdMapping mapping, FileCapabilities capabilities) {
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
    }

    public IdMapping mapping() {
        return mapping;
    }

    /**
     * Shifts everything under {@code root}, {@code root} included. Meant for a fresh tree nobody else
     * uses; run twice, it shifts twice.
     *
     * @throws IOException when a file is owned by an id the mapping does not cover, or the walk fails
     */
    public Result shift(Path root) throws IOException {
        long started = System.nanoTime();
        List<FileCapability> shiftedCaps;
        try {
            shiftedCaps = capabilities.read(root).stream().map(c -> c.namespacedTo(mapping.start(), mapping.start())).toList();
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot shift the file capabilities under " + root + ": " + e.getMessage(), e);
        }
        Walker walker = new Walker(root);
        Files.walkFileTree(root, walker);
        capabilities.write(shiftedCaps);
        return new Result(walker.entries, walker.hardLinksSkipped, walker.modesRestored, shiftedCaps.size(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    private final class Walker extends SimpleFileVisitor<Path> {
        private final Object device;
        private final Set<List<Object>> linkedInodes = new HashSet<>();
        long entries;
        long hardLinksSkipped;
        long modesRestored;

        Walker(Path root) throws IOException {
            this.device = Files.getAttribute(root, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            Map<String, Object> unix = Files.readAttributes(dir, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            if (!device.equals(unix.get("dev"))) {
                throw new IOException("refusing to shift " + dir + ": another file system is mounted there");
            }
            shiftOne(dir, unix, false);
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Map<String, Object> unix = Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            if ((int) unix.get("nlink") > 1 && !linkedInodes.add(List.of(unix.get("dev"), unix.get("ino")))) {
                hardLinksSkipped++; // another name of an inode already shifted
                return FileVisitResult.CONTINUE;
            }
            shiftOne(file, unix, attrs.isSymbolicLink());
            return FileVisitResult.CONTINUE;
        }

        private void shiftOne(Path path, Map<String, Object> unix, boolean symlink) throws IOException {
            int uid = (int) unix.get("uid");
            int gid = (int) unix.get("gid");
            int mode = (int) unix.get("mode");
            if (!mapping.mapsContainerId(Integer.toUnsignedLong(uid)) || !mapping.mapsContainerId(Integer.toUnsignedLong(gid))) {
                throw new IOException(path + " is owned by " + Integer.toUnsignedLong(uid) + ":" + Integer.toUnsignedLong(gid)
                        + ", outside the " + mapping.size() + " ids a sandbox's user namespace maps");
            }
            // lchown: a symbolic link itself, never its target.
            Files.setAttribute(path, "unix:uid", (int) mapping.hostId(uid), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", (int) mapping.hostId(gid), LinkOption.NOFOLLOW_LINKS);
            if (!symlink && (mode & SETUID_SETGID) != 0) {
                Files.setAttribute(path, "unix:mode", mode & 07777); // not a link: chmod reaches this very file
                modesRestored++;
            }
            entries++;
        }
    }
}
