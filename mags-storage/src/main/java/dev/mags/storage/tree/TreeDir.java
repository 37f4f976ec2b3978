package dev.mags.storage.tree;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An open directory inside a tree, and what can be done to its entries by name without following a symlink:
 * each call takes the pinned directory fd and one name (never a path with a slash), so a concurrent rename
 * anywhere above or beside cannot redirect it. Entries' extended attributes, which Linux before 6.13 has no
 * *at calls for, go through {@code /proc/self/fd/<fd>/<name>} with the l* calls (see {@link Xattrs}).
 * Closing twice is harmless.
 */
public final class TreeDir implements AutoCloseable {
    private static final int DIR_FLAGS = Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC;
    private static final int DENTS_BUFFER = 32 * 1024;

    private final int fd;
    /** Where this directory is, for messages: the tree's root and the relative path inside it. */
    private final String where;
    private boolean closed;

    TreeDir(int fd, String where) {
        this.fd = fd;
        this.where = where;
    }

    int fd() {
        return fd;
    }

    /** A directory of the host's own, by a path the host trusts (its symlinks are followed). */
    static TreeDir openHostDir(java.nio.file.Path dir) throws IOException {
        try {
            return new TreeDir(Posix.openat(Posix.AT_FDCWD, Posix.c(dir.toString()),
                    Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0), dir.toString());
        } catch (LastErrorException e) {
            throw Posix.error("open directory", dir.toString(), e);
        }
    }

    /** The tree's root path and this directory's relative path, for messages. */
    String where() {
        return where;
    }

    String where(String name) {
        return where.endsWith("/") ? where + name : where + "/" + name;
    }

    /** fstat of this directory. */
    public FileStat stat() throws IOException {
        return Stats.of(fd, "", Posix.AT_EMPTY_PATH, where);
    }

    /** lstat of the entry {@code name}. */
    public FileStat stat(String name) throws IOException {
        return Stats.of(fd, checked(name), Posix.AT_SYMLINK_NOFOLLOW, where(name));
    }

    /** The names in this directory, "." and ".." left out, in the order the file system gives them. */
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (Memory buf = new Memory(DENTS_BUFFER)) {
            while (true) {
                long n;
                try {
                    n = Posix.getdents64(fd, buf, DENTS_BUFFER);
                } catch (LastErrorException e) {
                    throw Posix.error("getdents64", where, e);
                }
                if (n <= 0) {
                    return names;
                }
                // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[]
                for (long at = 0; at < n; ) {
                    int reclen = buf.getShort(at + 16) & 0xffff;
                    String name = buf.getString(at + 19, "UTF-8");
                    if (!name.equals(".") && !name.equals("..")) {
                        names.add(name);
                    }
                    at += reclen;
                }
            }
        }
    }

    /** The subdirectory {@code name}; a symlink or a non-directory there is a {@link TreeChangedException}. */
    public TreeDir openDir(String name) throws IOException {
        try {
            return new TreeDir(Posix.openat(fd, Posix.c(checked(name)), DIR_FLAGS, 0), where(name));
        } catch (LastErrorException e) {
            throw Posix.error("open directory", where(name), e);
        }
    }

    /** Opens the entry {@code name} with {@code flags} (O_NOFOLLOW and O_CLOEXEC added). */
    TreeFile openFile(String name, int flags, int mode) throws IOException {
        try {
            int f = Posix.openat(fd, Posix.c(checked(name)), flags | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, mode);
            return new TreeFile(f, where(name));
        } catch (LastErrorException e) {
            throw Posix.error("open", where(name), e);
        }
    }

    /** The target of the symlink {@code name}. */
    public String readlink(String name) throws IOException {
        byte[] buf = new byte[256];
        while (true) {
            long n;
            try {
                n = Posix.readlinkat(fd, Posix.c(checked(name)), buf, buf.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Posix.EINVAL) {
                    throw new TreeChangedException(where(name), "is not a symbolic link (any more)");
                }
                throw Posix.error("readlinkat", where(name), e);
            }
            if (n < buf.length) {
                return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
            }
            buf = new byte[buf.length * 4]; // the target may have been longer than the buffer
        }
    }

    /** The extended attributes of this directory itself. */
    public Map<String, byte[]> xattrs() throws IOException {
        return Xattrs.ofFd(fd, where);
    }

    /** The extended attributes of the entry {@code name} (a symlink's own, not its target's). */
    public Map<String, byte[]> xattrs(String name) throws IOException {
        return Xattrs.ofEntry(fd, checked(name), where(name));
    }

    public void setXattr(String name, String attribute, byte[] value) throws IOException {
        Xattrs.setOnEntry(fd, checked(name), attribute, value, where(name));
    }

    public void mkdir(String name, int mode) throws IOException {
        try {
            Posix.mkdirat(fd, Posix.c(checked(name)), mode);
        } catch (LastErrorException e) {
            throw Posix.error("mkdirat", where(name), e);
        }
    }

    public void symlink(String name, String target) throws IOException {
        try {
            Posix.symlinkat(Posix.c(target), fd, Posix.c(checked(name)));
        } catch (LastErrorException e) {
            throw Posix.error("symlinkat", where(name), e);
        }
    }

    /** A device node, FIFO or overlay whiteout; {@code typeAndMode} is S_IF* | permissions. */
    public void mknod(String name, int typeAndMode, int major, int minor) throws IOException {
        try {
            Posix.mknodat(fd, Posix.c(checked(name)), typeAndMode, NativeFs.makedev(major, minor));
        } catch (LastErrorException e) {
            throw Posix.error("mknodat", where(name), e);
        }
    }

    /** A hard link {@code name} to the entry {@code existing} of {@code from}; a symlink there is linked, not followed. */
    public void link(String name, TreeDir from, String existing) throws IOException {
        try {
            Posix.linkat(from.fd, Posix.c(checked(existing)), fd, Posix.c(checked(name)), 0);
        } catch (LastErrorException e) {
            throw Posix.error("linkat", where(name), e);
        }
    }

    public void chown(String name, long uid, long gid) throws IOException {
        try {
            Posix.fchownat(fd, Posix.c(checked(name)), (int) uid, (int) gid, Posix.AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            throw Posix.error("fchownat", where(name), e);
        }
    }

    /** Sets the permissions (setuid bits included) of {@code name}, never those of a symlink's target. */
    public void chmod(String name, int mode) throws IOException {
        Chmod.nofollow(fd, checked(name), mode, where(name));
    }

    /** Sets access and modification time of {@code name} (a symlink's own) to {@code mtimeNs}. */
    public void setTimes(String name, long mtimeNs) throws IOException {
        long sec = Math.floorDiv(mtimeNs, 1_000_000_000L);
        long nsec = Math.floorMod(mtimeNs, 1_000_000_000L);
        try {
            Posix.utimensat(fd, Posix.c(checked(name)), new long[] {sec, nsec, sec, nsec}, Posix.AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            throw Posix.error("utimensat", where(name), e);
        }
    }

    /** Removes the entry {@code name}: an empty directory if {@code directory}, anything else otherwise. */
    public void remove(String name, boolean directory) throws IOException {
        try {
            Posix.unlinkat(fd, Posix.c(checked(name)), directory ? Posix.AT_REMOVEDIR : 0);
        } catch (LastErrorException e) {
            throw Posix.error("unlinkat", where(name), e);
        }
    }

    /** "." names the directory itself (for the root entry); anything with a slash, "" or ".." is refused. */
    private static String checked(String name) {
        if (name.isEmpty() || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a name inside a directory: '" + name + "'");
        }
        return name;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Posix.closeQuietly(fd);
        }
    }
}
