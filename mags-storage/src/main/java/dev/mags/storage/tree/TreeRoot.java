package dev.mags.storage.tree;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A directory tree that the host reads or writes on behalf of a sandbox (an overlay upper dir, a restore in
 * progress, a workspace disk), held by a descriptor of its root. Every relative path is resolved beneath that
 * descriptor without following a symlink in any component (the last one included), without a magic link
 * and without crossing into another mount: openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV, or, on a kernel without openat2, a walk that opens one component
 * at a time with O_NOFOLLOW|O_DIRECTORY relative to the previous one and checks the device of each. A
 * concurrent rename (a sandbox swapping a directory for a symlink to a host directory) can make an access
 * fail ({@link TreeChangedException}); it cannot make it leave the tree. The root's own path is the host's
 * and is trusted; only its last component is not followed. Closing twice is harmless.
 */
public final class TreeRoot implements AutoCloseable {
    /** How relative paths are resolved: openat2, or the component walk for kernels before 5.6. */
    public enum Resolution { OPENAT2, WALK }

    private static final long RESOLVE = Posix.RESOLVE_BENEATH | Posix.RESOLVE_NO_SYMLINKS
            | Posix.RESOLVE_NO_MAGICLINKS | Posix.RESOLVE_NO_XDEV;
    /** openat2 answers EAGAIN when a rename raced with the lookup; it may be asked again. */
    private static final int EAGAIN_TRIES = 8;
    private static final int READ = Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK;
    private static final int WRITE = Posix.O_WRONLY | Posix.O_CREAT | Posix.O_NOFOLLOW | Posix.O_NONBLOCK;
    private static final int DIR = Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW;

    private final int fd;
    private final Path path;
    private final long dev;
    private final Resolution resolution;
    private boolean closed;

    private TreeRoot(int fd, Path path, long dev, Resolution resolution) {
        this.fd = fd;
        this.path = path;
        this.dev = dev;
        this.resolution = resolution;
    }

    /** Opens the tree at {@code dir} (not a symlink), resolving with openat2 where the kernel has it. */
    public static TreeRoot open(Path dir) throws IOException {
        return open(dir, null);
    }

    /** Opens the tree with the given resolution (tests of the fallback); null: openat2 if the kernel has it. */
    public static TreeRoot open(Path dir, Resolution resolution) throws IOException {
        int fd;
        try {
            fd = Posix.openat(Posix.AT_FDCWD, Posix.c(dir.toString()),
                    Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw Posix.error("open tree root", dir.toString(), e);
        }
        try {
            FileStat st = Stats.of(fd, "", Posix.AT_EMPTY_PATH, dir.toString());
            checkProc(fd, st, dir);
            Resolution r = resolution != null ? resolution : hasOpenat2(fd) ? Resolution.OPENAT2 : Resolution.WALK;
            return new TreeRoot(fd, dir, st.dev(), r);
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(fd);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public Resolution resolution() {
        return resolution;
    }

    /** The device of the root: every entry the tree's accessors touch is on it. */
    public long dev() {
        return dev;
    }

    /** The directory at {@code rel} ("" is the root). */
    public TreeDir openDir(String rel) throws IOException {
        return new TreeDir(resolve(rel, DIR, 0), where(rel));
    }

    /**
     * Opens the regular file at {@code rel} for reading, with O_NONBLOCK so that a FIFO swapped in does not
     * block the caller; anything but a regular file (by fstat of the opened descriptor) is a
     * {@link TreeChangedException}.
     */
    public TreeFile openForReading(String rel) throws IOException {
        TreeFile f = new TreeFile(resolve(requireEntry(rel), READ, 0), where(rel));
        try {
            if (f.stat().type() != NativeFs.S_IFREG) {
                throw new TreeChangedException(where(rel), "is not a regular file");
            }
            return f;
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Opens the file at {@code rel} for writing at positions, creating it (mode 0600) if it does not exist. */
    public TreeFile openForWriting(String rel) throws IOException {
        return new TreeFile(resolve(requireEntry(rel), WRITE, 0600), where(rel));
    }

    /**
     * Creates the regular file {@code rel} with {@code mode} and opens it for writing. Refuses anything
     * already there (a symlink included: O_EXCL never follows one) and a symlink, a mount point or a
     * non-directory anywhere on the way: what a file placed into a sandbox's tree must be created with.
     */
    public TreeFile createFile(String rel, int mode) throws IOException {
        return new TreeFile(resolve(requireEntry(rel), WRITE | Posix.O_EXCL, mode), where(rel));
    }

    /** Creates the directory {@code rel}; its parent must be a directory beneath the root. */
    public void createDir(String rel, int mode) throws IOException {
        try (TreeDir parent = openDir(parentOf(requireEntry(rel)))) {
            parent.mkdir(nameOf(rel), mode);
        }
    }

    public void createSymlink(String rel, String target) throws IOException {
        try (TreeDir parent = openDir(parentOf(requireEntry(rel)))) {
            parent.symlink(nameOf(rel), target);
        }
    }

    /** A device node, FIFO or whiteout at {@code rel}; {@code typeAndMode} is S_IF* | permissions. */
    public void createNode(String rel, int typeAndMode, int major, int minor) throws IOException {
        try (TreeDir parent = openDir(parentOf(requireEntry(rel)))) {
            parent.mknod(nameOf(rel), typeAndMode, major, minor);
        }
    }

    /** lstat of the entry at {@code rel} ("" is the root). */
    public FileStat stat(String rel) throws IOException {
        if (rel.isEmpty()) {
            return Stats.of(fd, "", Posix.AT_EMPTY_PATH, path.toString());
        }
        try (TreeDir parent = openDir(parentOf(rel))) {
            return parent.stat(nameOf(rel));
        }
    }

    public String readlink(String rel) throws IOException {
        try (TreeDir parent = openDir(parentOf(requireEntry(rel)))) {
            return parent.readlink(nameOf(rel));
        }
    }

    /** The extended attributes of the entry at {@code rel} (a symlink's own). */
    public Map<String, byte[]> xattrs(String rel) throws IOException {
        if (rel.isEmpty()) {
            try (TreeDir root = openDir("")) {
                return root.xattrs();
            }
        }
        try (TreeDir parent = openDir(parentOf(rel))) {
            return parent.xattrs(nameOf(rel));
        }
    }

    public List<String> list(String rel) throws IOException {
        try (TreeDir dir = openDir(rel)) {
            return dir.list();
        }
    }

    /** The directory part of a relative path: "" for an entry of the root. */
    public static String parentOf(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    /** The last component of a relative path. */
    public static String nameOf(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    private int resolve(String rel, int flags, int mode) throws IOException {
        checkRelative(rel);
        return resolution == Resolution.OPENAT2 ? Beneath.openat2(fd, rel, flags, mode, RESOLVE, EAGAIN_TRIES, where(rel))
                : Beneath.walk(fd, dev, rel, flags, mode, where(rel));
    }

    private String where(String rel) {
        return rel.isEmpty() ? path.toString() : path + "/" + rel;
    }

    private static String requireEntry(String rel) {
        if (rel.isEmpty()) {
            throw new IllegalArgumentException("the tree's root is not an entry to open or create");
        }
        return rel;
    }

    /** A plain relative path: no leading slash, no empty, "." or ".." component. */
    static void checkRelative(String rel) {
        if (rel.isEmpty()) {
            return;
        }
        for (String segment : rel.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("'" + rel + "' is not a plain relative path");
            }
        }
    }

    /**
     * Entries' xattrs and the chmod fallback name {@code /proc/self/fd/<fd>/...}: without /proc mounted they
     * would fail as if the entries were gone, so a tree cannot be opened at all then.
     */
    private static void checkProc(int fd, FileStat root, Path dir) throws IOException {
        FileStat viaProc;
        try {
            viaProc = Stats.of(Posix.AT_FDCWD, "/proc/self/fd/" + fd, 0, "/proc/self/fd/" + fd);
        } catch (IOException e) {
            throw new IOException("cannot use " + dir + ": /proc is not mounted on this host (mags needs it to "
                    + "reach files in a tree by descriptor): " + e.getMessage(), e);
        }
        if (viaProc.ino() != root.ino() || viaProc.dev() != root.dev()) {
            throw new IOException("cannot use " + dir + ": /proc/self/fd does not show this process's descriptors");
        }
    }

    private static boolean hasOpenat2(int fd) throws IOException {
        try {
            int probe = Beneath.openat2(fd, ".", Posix.O_PATH, 0, RESOLVE, EAGAIN_TRIES, ".");
            Posix.closeQuietly(probe);
            return true;
        } catch (Beneath.Unsupported e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Posix.closeQuietly(fd);
        }
    }
}
