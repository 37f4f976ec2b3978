package dev.mags.storage.tree;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * The *at system calls that file access inside a sandbox's tree is made of, directly mapped (JNA's direct
 * mapping costs a fraction of an interface-mapped call, and a scan makes several calls per entry). Paths are
 * passed as NUL-terminated UTF-8 bytes, whatever the JVM's encoding. Linux on x86-64 and aarch64, glibc 2.33
 * or later (mknodat is a symbol of its own from 2.33 on; statx from 2.28).
 */
final class Posix {
    private static final boolean AARCH64 = Platform.ARCH.equals("aarch64");

    static {
        if (!Platform.isLinux() || !(AARCH64 || Platform.ARCH.equals("x86-64"))) {
            throw new ExceptionInInitializerError("mags-storage needs Linux on x86-64 or aarch64, not "
                    + System.getProperty("os.name") + " on " + Platform.ARCH);
        }
        Native.register(Posix.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NONBLOCK = 04000;
    /** The two flags whose values differ between x86-64 and the generic (aarch64) ABI. */
    static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;

    static final long RESOLVE_NO_XDEV = 0x01;
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_NO_SYMLINKS = 0x04;
    static final long RESOLVE_BENEATH = 0x08;

    /** System call numbers of the calls glibc 2.36 has no wrapper for; the same on every architecture. */
    static final long SYS_OPENAT2 = 437;
    static final long SYS_FCHMODAT2 = 452;

    static final int STATX_BASIC_STATS = 0x7ff;

    static final int ENOENT = 2;
    static final int EAGAIN = 11;
    static final int EPERM = 1;
    static final int EEXIST = 17;
    static final int EXDEV = 18;
    static final int ENOTDIR = 20;
    static final int ENXIO = 6;
    static final int EINVAL = 22;
    static final int ERANGE = 34;
    static final int ENOSYS = 38;
    static final int ELOOP = 40;
    static final int ENODATA = 61;
    static final int EOPNOTSUPP = 95;

    private Posix() {}

    /**
     * A failed call as an IOException naming it and what it was about: ENOENT is a NoSuchFileException; a
     * symlink, a mount point or a non-directory in the way (ELOOP, EXDEV, ENOTDIR) a TreeChangedException.
     */
    static java.io.IOException error(String call, String what, LastErrorException e) {
        int errno = e.getErrorCode();
        String reason = call + " failed: errno " + errno + " (" + describe(errno) + ")";
        return switch (errno) {
            case ENOENT -> new java.nio.file.NoSuchFileException(what, null, reason);
            case ELOOP, EXDEV, ENOTDIR -> new TreeChangedException(what, reason + "; not followed");
            default -> new java.nio.file.FileSystemException(what, null, reason);
        };
    }

    /** close(2); its errors (a file system reporting a late write error on a file only read) are not ours to act on. */
    static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException e) {
            // the descriptor is released whatever close reports
        }
    }

    private static String describe(int errno) {
        return switch (errno) {
            case ENOENT -> "no such file or directory";
            case EEXIST -> "exists";
            case EXDEV -> "another file system";
            case ENOTDIR -> "not a directory";
            case ELOOP -> "a symbolic link is in the way";
            case EPERM -> "not permitted";
            case EINVAL -> "invalid argument";
            case EAGAIN -> "changed during the lookup";
            case ENXIO -> "no such device or address";
            case EOPNOTSUPP -> "not supported";
            default -> "see errno(3)";
        };
    }

    /** {@code path} as the kernel takes it: UTF-8 and a terminating NUL. */
    static byte[] c(String path) {
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        return out;
    }

    // openat's mode is variadic in C; as the fourth integer argument it is in the same register either way.
    static native int openat(int dirfd, byte[] path, int flags, int mode) throws LastErrorException;

    /** openat2 and fchmodat2: glibc's syscall() is a register shuffle in assembly, no va_list involved. */
    static native long syscall(long number, int dirfd, byte[] path, long[] how, long size) throws LastErrorException;

    static native long syscall(long number, int dirfd, byte[] path, int mode, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] buf) throws LastErrorException;

    static native long getdents64(int fd, Pointer buf, long size) throws LastErrorException;

    static native long readlinkat(int dirfd, byte[] path, byte[] buf, long size) throws LastErrorException;

    static native int mkdirat(int dirfd, byte[] path, int mode) throws LastErrorException;

    static native int symlinkat(byte[] target, int dirfd, byte[] path) throws LastErrorException;

    static native int mknodat(int dirfd, byte[] path, int mode, long dev) throws LastErrorException;

    static native int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags) throws LastErrorException;

    static native int unlinkat(int dirfd, byte[] path, int flags) throws LastErrorException;

    static native int fchownat(int dirfd, byte[] path, int uid, int gid, int flags) throws LastErrorException;

    static native int chmod(byte[] path, int mode) throws LastErrorException;

    /** {@code times}: atime sec, nsec, mtime sec, nsec (two struct timespec). */
    static native int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;

    static native long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    static native long pwrite(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    static native long llistxattr(byte[] path, byte[] list, long size) throws LastErrorException;

    static native long lgetxattr(byte[] path, byte[] name, byte[] value, long size) throws LastErrorException;

    static native int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags) throws LastErrorException;

    static native long flistxattr(int fd, byte[] list, long size) throws LastErrorException;

    static native long fgetxattr(int fd, byte[] name, byte[] value, long size) throws LastErrorException;

    static native int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags) throws LastErrorException;
}
