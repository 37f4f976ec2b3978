package dev.mags.storage.tree;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * File system calls java.nio cannot make: device nodes (overlay whiteouts), chmod with setuid bits, lchown,
 * nanosecond times on symlinks, and extended attributes outside the {@code user.} namespace
 * ({@code trusted.overlay.opaque}, {@code security.capability}). Failures are IOExceptions naming the call.
 * By full path, for the host's own files only: every intermediate symlink is followed. Inside a tree that a
 * sandbox can change, use {@link TreeRoot} and {@link TreeDir}.
 */
public final class NativeFs {
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;
    private static final int ENOENT = 2;

    private NativeFs() {}

    public static void mknod(Path path, int typeAndMode, int major, int minor) throws IOException {
        try {
            LibC.INSTANCE.mknod(path.toString(), typeAndMode, makedev(major, minor));
        } catch (LastErrorException e) {
            throw failed("mknod", path, e);
        }
    }

    public static void chmod(Path path, int mode) throws IOException {
        try {
            LibC.INSTANCE.chmod(path.toString(), mode);
        } catch (LastErrorException e) {
            throw failed("chmod", path, e);
        }
    }

    public static void lchown(Path path, long uid, long gid) throws IOException {
        try {
            LibC.INSTANCE.lchown(path.toString(), (int) uid, (int) gid);
        } catch (LastErrorException e) {
            throw failed("lchown", path, e);
        }
    }

    /** Sets access and modification time to {@code mtimeNs}, without following a symlink. */
    public static void setTimes(Path path, long mtimeNs) throws IOException {
        long sec = Math.floorDiv(mtimeNs, 1_000_000_000L);
        long nsec = Math.floorMod(mtimeNs, 1_000_000_000L);
        try {
            LibC.INSTANCE.utimensat(LibC.AT_FDCWD, path.toString(), new long[] {sec, nsec, sec, nsec}, LibC.AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            throw failed("utimensat", path, e);
        }
    }

    /** All extended attributes of {@code path} (not following a symlink), in the order the kernel lists them. */
    public static Map<String, byte[]> xattrs(Path path) throws IOException {
        String p = path.toString();
        List<String> names;
        try {
            long size = LibC.INSTANCE.llistxattr(p, null, 0);
            if (size <= 0) {
                return Map.of();
            }
            byte[] buf = new byte[(int) size];
            size = LibC.INSTANCE.llistxattr(p, buf, buf.length);
            names = splitNames(buf, (int) size);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ENOTSUP) {
                return Map.of();
            }
            throw failed("llistxattr", path, e);
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String name : names) {
            byte[] value = xattr(path, name);
            if (value != null) {
                out.put(name, value);
            }
        }
        return out;
    }

    /** One extended attribute, or null if absent. */
    public static byte[] xattr(Path path, String name) throws IOException {
        String p = path.toString();
        try {
            long size = LibC.INSTANCE.lgetxattr(p, name, null, 0);
            byte[] value = new byte[(int) size];
            if (size > 0) {
                size = LibC.INSTANCE.lgetxattr(p, name, value, value.length);
            }
            return size == value.length ? value : java.util.Arrays.copyOf(value, (int) size);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ENODATA || e.getErrorCode() == LibC.ENOTSUP) {
                return null;
            }
            throw failed("lgetxattr " + name, path, e);
        }
    }

    public static void setXattr(Path path, String name, byte[] value) throws IOException {
        try {
            LibC.INSTANCE.lsetxattr(path.toString(), name, value, value.length, 0);
        } catch (LastErrorException e) {
            throw failed("lsetxattr " + name, path, e);
        }
    }

    public static int major(long dev) {
        return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
    }

    public static int minor(long dev) {
        return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
    }

    static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }

    private static List<String> splitNames(byte[] buf, int len) {
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < len; i++) {
            if (buf[i] == 0) {
                if (i > start) {
                    names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return names;
    }

    private static IOException failed(String call, Path path, LastErrorException e) {
        if (e.getErrorCode() == ENOENT) {
            return new java.nio.file.NoSuchFileException(path.toString(), null, call + " failed: errno 2");
        }
        return new IOException(call + " " + path + " failed: errno " + e.getErrorCode() + " (" + e.getMessage() + ")", e);
    }
}
