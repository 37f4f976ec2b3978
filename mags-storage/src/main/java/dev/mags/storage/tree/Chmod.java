package dev.mags.storage.tree;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * chmod of one entry by directory fd and name, never through a symlink. fchmodat(2) has no working
 * AT_SYMLINK_NOFOLLOW in the kernel before fchmodat2(2) (Linux 6.6); without it the entry is opened with
 * O_PATH|O_NOFOLLOW, refused if it is a symlink, and changed through {@code /proc/self/fd/<fd>}, which names
 * the very inode that descriptor pins (what glibc does for fchmodat with AT_SYMLINK_NOFOLLOW).
 */
final class Chmod {
    private Chmod() {}

    static void nofollow(int dirfd, String name, int mode, String where) throws IOException {
        try {
            Posix.syscall(Posix.SYS_FCHMODAT2, dirfd, Posix.c(name), mode, Posix.AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Posix.ENOSYS && e.getErrorCode() != Posix.EPERM) {
                throw Posix.error("fchmodat2", where, e);
            }
            // no fchmodat2 here (or a seccomp filter refusing calls it does not know): pin the entry first
            viaProc(dirfd, name, mode, where);
        }
    }

    /** The fallback, on its own for tests. */
    static void viaProc(int dirfd, String name, int mode, String where) throws IOException {
        int fd;
        try {
            fd = Posix.openat(dirfd, Posix.c(name), Posix.O_PATH | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw Posix.error("open", where, e);
        }
        try {
            if (Stats.of(fd, "", Posix.AT_EMPTY_PATH, where).type() == NativeFs.S_IFLNK) {
                throw new TreeChangedException(where, "is a symbolic link: its mode is not changed, nor its target's");
            }
            Posix.chmod(Posix.c("/proc/self/fd/" + fd), mode);
        } catch (LastErrorException e) {
            throw Posix.error("chmod", where, e);
        } finally {
            Posix.closeQuietly(fd);
        }
    }
}
