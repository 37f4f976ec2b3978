package dev.mags.dist;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who may enter the data dir. It holds what every user gave the server or left in it: job scripts,
 * {@code --env} values and output ({@code state.db}), the admin token, the S3 keys, workspace and sandbox
 * disks, restored bases with the users' own setuid files, the embedded S3 server's objects. So only root may
 * enter it, except that the sandboxes' root group passes through it (mode 0710, group of the sandboxes' root:
 * the runtime, acting as a sandbox's root, mounts the sandbox's root file system from
 * {@code <data-dir>/sandboxes/<id>/}). Below it, files are 0600 and directories 0700, whatever the umask.
 *
 * <p>{@link #secure} makes an existing data dir so and returns what it changed: modes an earlier version,
 * an operator or a loose umask left. It does not enter what others keep modes of their own in: the agent's
 * tmpfs mounts ({@code sandboxes}, {@code runtime}), the images, the restored bases' trees (a user's files
 * as they are) and the S3 objects (the S3 server's, under a 0700 directory).
 */
final class DataDirModes {
    /** One change: {@code path} relative to the data dir ("." for itself). */
    record Change(String path, String before, String after) {
        @Override
        public String toString() {
            return path + " " + before + " -> " + after;
        }
    }

    private DataDirModes() {}

    /** Creates the data dir private from the start: group {@code sandboxGid}, 0710 (a loose umask adds nothing). */
    static void create(Path dataDir, long sandboxGid) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x---")));
            Files.setAttribute(dataDir, "unix:gid", (int) sandboxGid);
        }
    }

    /** Creates an empty file with mode 0600 unless it exists. */
    static void createPrivateFile(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
    }

    /**
     * Gives the data dir owner root, group {@code sandboxGid} and mode 0710, and everything in it (but the
     * places named above) owner root and no bits for group or others; returns each change.
     */
    static List<Change> secure(Path dataDir, long sandboxGid) throws IOException {
        List<Change> changes = new ArrayList<>();
        set(dataDir, ".", 0, sandboxGid, 0710, changes);
        Files.walkFileTree(dataDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(dataDir)) {
                    return FileVisitResult.CONTINUE;
                }
                Path rel = dataDir.relativize(dir);
                String top = rel.getName(0).toString();
                if (rel.getNameCount() == 1 && (top.equals("sandboxes") || top.equals("runtime"))) {
                    return FileVisitResult.SKIP_SUBTREE; // the agent's tmpfs mounts, with modes of their own
                }
                if (top.equals("bases") && rel.getNameCount() == 4) {
                    return FileVisitResult.SKIP_SUBTREE; // a restored copy: the user's files, modes included
                }
                tighten(dir, rel, changes);
                boolean below = top.equals("images") || (top.equals("s3") && rel.getNameCount() == 2)
                        || (top.equals("bases") && rel.getNameCount() == 2 && rel.getName(1).toString().startsWith("."));
                return below ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isSymbolicLink()) {
                    tighten(file, dataDir.relativize(file), changes);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return changes;
    }

    /** Owner root, no bits for group and others. */
    private static void tighten(Path p, Path rel, List<Change> changes) throws IOException {
        int mode = mode(p);
        int gid = (int) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        set(p, rel.toString(), 0, gid, mode & 0700, changes);
    }

    private static void set(Path p, String rel, long uid, long gid, int mode, List<Change> changes) throws IOException {
        int uidNow = (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gidNow = (int) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        int modeNow = mode(p);
        if (uidNow == uid && gidNow == gid && modeNow == mode) {
            return;
        }
        // Mode last: a chown clears setuid bits, and no moment has the looser mode with the new owner.
        Files.setAttribute(p, "unix:mode", modeNow & mode, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        changes.add(new Change(rel, describe(uidNow, gidNow, modeNow), describe(uid, gid, mode)));
    }

    private static int mode(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static String describe(long uid, long gid, int mode) {
        return uid + ":" + gid + " " + String.format("%04o", mode);
    }

    /**
     * The first directory above the data dir that the sandboxes' root cannot pass through, if any: runc,
     * acting as a sandbox's root, could then not reach the sandbox's root file system.
     */
    static Optional<Path> blockedAncestor(Path dataDir, long sandboxGid) throws IOException {
        for (Path p = dataDir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            int mode = mode(p);
            boolean group = (int) Files.getAttribute(p, "unix:gid") == sandboxGid && (mode & 0010) != 0;
            if ((mode & 0001) == 0 && !group) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
