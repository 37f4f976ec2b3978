package dev.mags.storage.tree;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/** The two ways {@link TreeRoot} resolves a relative path beneath its root descriptor. */
final class Beneath {
    /** The kernel has no openat2 (before Linux 5.6), or a seccomp filter refuses it. */
    static final class Unsupported extends IOException {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    private static final int OPEN_HOW_SIZE = 24;
    private static final int WALK_DIR = Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC;

    private Beneath() {}

    /** openat2(dirfd, rel, {flags | O_CLOEXEC, mode, resolve}); EAGAIN (a concurrent rename) is asked again. */
    static int openat2(int dirfd, String rel, int flags, int mode, long resolve, int tries, String where) throws IOException {
        // struct open_how { u64 flags; u64 mode; u64 resolve; }; mode must be 0 unless a file may be created
        long[] how = {(flags | Posix.O_CLOEXEC) & 0xffffffffL, (flags & Posix.O_CREAT) != 0 ? mode : 0, resolve};
        byte[] path = Posix.c(rel.isEmpty() ? "." : rel);
        for (int attempt = 1; ; attempt++) {
            try {
                return (int) Posix.syscall(Posix.SYS_OPENAT2, dirfd, path, how, OPEN_HOW_SIZE);
            } catch (LastErrorException e) {
                int errno = e.getErrorCode();
                if (errno == Posix.EAGAIN && attempt < tries) {
                    continue;
                }
                if (errno == Posix.ENOSYS || (errno == Posix.EPERM && rel.equals("."))) {
                    throw new Unsupported("openat2 is not available: errno " + errno);
                }
                throw Posix.error("openat2", where, e);
            }
        }
    }

    /**
     * The fallback: each directory component opened with O_PATH|O_DIRECTORY|O_NOFOLLOW relative to the one
     * before (a symlink there fails with ENOTDIR or ELOOP, never followed), each checked to be a directory on
     * the root's device (RESOLVE_NO_XDEV's part; a bind mount of the same file system is not told apart), then
     * the last component opened with {@code flags | O_NOFOLLOW} and checked the same way.
     */
    static int walk(int rootfd, long rootDev, String rel, int flags, int mode, String where) throws IOException {
        String[] parts = rel.isEmpty() ? new String[] {"."} : rel.split("/");
        int cur = rootfd;
        try {
            for (int i = 0; i < parts.length - 1; i++) {
                int next = open(cur, parts[i], WALK_DIR, 0, where);
                if (cur != rootfd) {
                    Posix.closeQuietly(cur);
                }
                cur = next;
                FileStat st = Stats.of(cur, "", Posix.AT_EMPTY_PATH, where);
                if (st.type() != NativeFs.S_IFDIR || st.dev() != rootDev) {
                    throw new TreeChangedException(where, "a component is a mount point or not a directory; not entered");
                }
            }
            int fd = open(cur, parts[parts.length - 1], flags | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, mode, where);
            try {
                if (Stats.of(fd, "", Posix.AT_EMPTY_PATH, where).dev() != rootDev) {
                    throw new TreeChangedException(where, "is on another file system; not used");
                }
                return fd;
            } catch (IOException | RuntimeException e) {
                Posix.closeQuietly(fd);
                throw e;
            }
        } finally {
            if (cur != rootfd) {
                Posix.closeQuietly(cur);
            }
        }
    }

    private static int open(int dirfd, String name, int flags, int mode, String where) throws IOException {
        try {
            return Posix.openat(dirfd, Posix.c(name), flags, mode);
        } catch (LastErrorException e) {
            throw Posix.error("openat", where, e);
        }
    }
}
