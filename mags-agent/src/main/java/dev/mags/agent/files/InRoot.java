package dev.mags.agent.files;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The *at calls a sandbox's files are reached with from the host, directly mapped, and the resolution that keeps
 * them inside: every path is opened with openat2(2) beneath a descriptor of the sandbox's root with
 * RESOLVE_IN_ROOT (an absolute symlink or {@code ..} resolves as it would inside the sandbox, never above its
 * root), RESOLVE_NO_MAGICLINKS ({@code /proc/self/root} and the like are not followed) and RESOLVE_NO_XDEV (no
 * other mount is entered). Paths are passed as UTF-8. Linux 5.6 or later, LP64.
 */
final class InRoot {
    static {
        Native.register(InRoot.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private static final boolean AARCH64 = Platform.ARCH.equals("aarch64");
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int O_NONBLOCK = 04000;
    static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int RENAME_NOREPLACE = 1;

    private static final long RESOLVE_NO_XDEV = 0x01;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_IN_ROOT = 0x10;
    private static final long RESOLVE = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
    private static final long SYS_OPENAT2 = 437;
    private static final int STATX_BASIC_STATS = 0x7ff;
    static final int STATX_SIZE = 256;
    static final long UTIME_OMIT = (1L << 30) - 2;

    private static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int EAGAIN = 11;
    private static final int EACCES = 13;
    private static final int EEXIST = 17;
    private static final int EXDEV = 18;
    private static final int ENOTDIR = 20;
    private static final int EISDIR = 21;
    private static final int ENOTEMPTY = 39;
    private static final int ELOOP = 40;
    private static final int EAGAIN_TRIES = 8;

    private InRoot() {}

    /** openat2(root, path, {flags | O_CLOEXEC, mode, RESOLVE}); EAGAIN (a rename raced with the lookup) is retried. */
    static int open(int root, String path, int flags, int mode) throws IOException {
        long[] how = {(flags | O_CLOEXEC) & 0xffffffffL, (flags & O_CREAT) != 0 ? mode : 0, RESOLVE};
        byte[] name = c(path.isEmpty() ? "." : path);
        for (int attempt = 1; ; attempt++) {
            try {
                return (int) syscall(SYS_OPENAT2, root, name, how, 24);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN && attempt < EAGAIN_TRIES) {
                    continue;
                }
                throw error("open", path, e);
            }
        }
    }

    /** The directory at {@code path} of the host, which the caller trusts. */
    static int openHostDir(String path) throws IOException {
        try {
            return openat(AT_FDCWD, c(path), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw error("open", path, e);
        }
    }

    /** A failed call as the java.nio exception a caller of a file system expects. */
    static IOException error(String call, String path, LastErrorException e) {
        int errno = e.getErrorCode();
        String reason = call + " failed: errno " + errno;
        return switch (errno) {
            case ENOENT -> new NoSuchFileException(path);
            case EEXIST -> new FileAlreadyExistsException(path);
            case ENOTEMPTY -> new DirectoryNotEmptyException(path);
            case EACCES, EPERM -> new AccessDeniedException(path, null, reason);
            case ENOTDIR -> new NotDirectoryException(path);
            case EISDIR -> new FileSystemException(path, null, "is a directory");
            case EXDEV -> new FileSystemException(path, null, "is on another file system (a mount point); not entered");
            case ELOOP -> new FileSystemException(path, null, "too many levels of symbolic links");
            default -> new FileSystemException(path, null, reason);
        };
    }

    static byte[] c(String path) {
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        return out;
    }

    static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException e) {
            // released whatever close reports
        }
    }

    static native int openat(int dirfd, byte[] path, int flags, int mode) throws LastErrorException;

    static native long syscall(long number, int dirfd, byte[] path, long[] how, long size) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] buf) throws LastErrorException;

    static native long getdents64(int fd, Pointer buf, long size) throws LastErrorException;

    static native long readlinkat(int dirfd, byte[] path, byte[] buf, long size) throws LastErrorException;

    static native int mkdirat(int dirfd, byte[] path, int mode) throws LastErrorException;

    static native int symlinkat(byte[] target, int dirfd, byte[] path) throws LastErrorException;

    static native int unlinkat(int dirfd, byte[] path, int flags) throws LastErrorException;

    static native int renameat2(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags)
            throws LastErrorException;

    static native int fchownat(int dirfd, byte[] path, int uid, int gid, int flags) throws LastErrorException;

    static native int chmod(byte[] path, int mode) throws LastErrorException;

    static native int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;

    static native long pread(int fd, byte[] buf, long count, long offset) throws LastErrorException;

    static native long pwrite(int fd, byte[] buf, long count, long offset) throws LastErrorException;

    static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    static native int ftruncate(int fd, long length) throws LastErrorException;
}
