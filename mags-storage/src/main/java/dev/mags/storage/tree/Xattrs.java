package dev.mags.storage.tree;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extended attributes of an open directory (f*xattr) or of one entry in it. For an entry there is no *at call
 * before Linux 6.13 (getxattrat and friends), and opening the entry to use f*xattr is no way either: a
 * symlink or device node cannot be opened for that without O_PATH, whose descriptors the f*xattr calls refuse.
 * So an entry is named {@code /proc/self/fd/<dirfd>/<name>} and used with the l* calls: the kernel resolves
 * {@code /proc/self/fd/<dirfd>} by jumping straight to the directory the descriptor pins (not by walking its
 * path again), and the l* calls do not follow a symlink in the last component. No component that the
 * sandbox controls is ever followed, on any kernel. {@link TreeRoot#open} checks that /proc is mounted.
 */
final class Xattrs {
    private Xattrs() {}

    static Map<String, byte[]> ofFd(int fd, String where) throws IOException {
        return read(new Target() {
            @Override
            public long list(byte[] buf, long size) {
                return Posix.flistxattr(fd, buf, size);
            }

            @Override
            public long get(byte[] name, byte[] buf, long size) {
                return Posix.fgetxattr(fd, name, buf, size);
            }
        }, where);
    }

    static Map<String, byte[]> ofEntry(int dirfd, String name, String where) throws IOException {
        byte[] path = Posix.c(procPath(dirfd, name));
        return read(new Target() {
            @Override
            public long list(byte[] buf, long size) {
                return Posix.llistxattr(path, buf, size);
            }

            @Override
            public long get(byte[] attribute, byte[] buf, long size) {
                return Posix.lgetxattr(path, attribute, buf, size);
            }
        }, where);
    }

    static void setOnEntry(int dirfd, String name, String attribute, byte[] value, String where) throws IOException {
        try {
            Posix.lsetxattr(Posix.c(procPath(dirfd, name)), Posix.c(attribute), value, value.length, 0);
        } catch (LastErrorException e) {
            throw Posix.error("lsetxattr " + attribute, where, e);
        }
    }

    static String procPath(int dirfd, String name) {
        return "/proc/self/fd/" + dirfd + "/" + name;
    }

    private interface Target {
        long list(byte[] buf, long size);

        long get(byte[] name, byte[] buf, long size);
    }

    private static Map<String, byte[]> read(Target t, String where) throws IOException {
        List<String> names;
        try {
            names = names(t);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Posix.EOPNOTSUPP) {
                return Map.of();
            }
            throw Posix.error("listxattr", where, e);
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String name : names) {
            try {
                byte[] value = value(t, Posix.c(name));
                if (value != null) {
                    out.put(name, value);
                }
            } catch (LastErrorException e) {
                throw Posix.error("getxattr " + name, where, e);
            }
        }
        return out;
    }

    private static List<String> names(Target t) {
        while (true) {
            long size = t.list(null, 0);
            if (size <= 0) {
                return List.of();
            }
            byte[] buf = new byte[(int) size];
            try {
                return split(buf, (int) t.list(buf, buf.length));
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.ERANGE) {
                    throw e;
                }
                // an attribute was added between the two calls: ask for the size again
            }
        }
    }

    /** The value, or null if the attribute went away (or its namespace is not supported here). */
    private static byte[] value(Target t, byte[] name) {
        while (true) {
            try {
                long size = t.get(name, null, 0);
                byte[] value = new byte[(int) size];
                if (size > 0) {
                    size = t.get(name, value, value.length);
                }
                return size == value.length ? value : Arrays.copyOf(value, (int) size);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Posix.ENODATA || e.getErrorCode() == Posix.EOPNOTSUPP) {
                    return null;
                }
                if (e.getErrorCode() != Posix.ERANGE) {
                    throw e;
                }
            }
        }
    }

    private static List<String> split(byte[] buf, int len) {
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
}
