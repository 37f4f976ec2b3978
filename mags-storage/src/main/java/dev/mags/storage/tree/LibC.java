package dev.mags.storage.tree;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** The few glibc calls java.nio lacks (64-bit Linux: size_t and ssize_t are Java longs). */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AT_FDCWD = -100;
    int AT_SYMLINK_NOFOLLOW = 0x100;
    int ENODATA = 61;
    int ENOTSUP = 95;

    int mknod(String path, int mode, long dev) throws LastErrorException;

    int chmod(String path, int mode) throws LastErrorException;

    int lchown(String path, int owner, int group) throws LastErrorException;

    /** {@code times} is two struct timespec: atime sec, nsec, mtime sec, nsec. */
    int utimensat(int dirfd, String path, long[] times, int flags) throws LastErrorException;

    long llistxattr(String path, byte[] list, long size) throws LastErrorException;

    long lgetxattr(String path, String name, byte[] value, long size) throws LastErrorException;

    int lsetxattr(String path, String name, byte[] value, long size, int flags) throws LastErrorException;
}
