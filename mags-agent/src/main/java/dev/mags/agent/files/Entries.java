package dev.mags.agent.files;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the kernel says of the entries under a descriptor: statx, readlinkat and getdents64, decoded. */
final class Entries {
    private static final int DENTS_BUFFER = 32 * 1024;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;

    private Entries() {
    }

    record Stat(int type, int mode, long uid, long gid, long size, Instant modified) {}

    static Stat stat(int dir, String name, String path) throws IOException {
        byte[] buf = new byte[InRoot.STATX_SIZE];
        try {
            InRoot.statx(dir, InRoot.c(name), InRoot.AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? InRoot.AT_EMPTY_PATH : 0),
                    0x7ff, buf);
        } catch (LastErrorException e) {
            throw InRoot.error("stat", path, e);
        }
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        int mode = b.getShort(28) & 0xffff;
        return new Stat(mode & S_IFMT, mode & 07777, b.getInt(20) & 0xffffffffL, b.getInt(24) & 0xffffffffL,
                b.getLong(40), Instant.ofEpochSecond(b.getLong(112), b.getInt(120) & 0xffffffffL));
    }

    static String readlink(int dir, String name, String path) throws IOException {
        byte[] buf = new byte[4096];
        try {
            long n = InRoot.readlinkat(dir, InRoot.c(name), buf, buf.length);
            return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
        } catch (LastErrorException e) {
            throw InRoot.error("readlink", path, e);
        }
    }

    static List<String> names(int fd, String path) throws IOException {
        List<String> names = new ArrayList<>();
        try (Memory buf = new Memory(DENTS_BUFFER)) {
            while (true) {
                long n;
                try {
                    n = InRoot.getdents64(fd, buf, DENTS_BUFFER);
                } catch (LastErrorException e) {
                    throw InRoot.error("list", path, e);
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

    static String typeName(int type) {
        return switch (type) {
            case S_IFREG -> "file";
            case S_IFDIR -> "dir";
            case S_IFLNK -> "symlink";
            case 0010000 -> "fifo";
            case 0140000 -> "socket";
            case 0020000 -> "char";
            case 0060000 -> "block";
            default -> "unknown";
        };
    }
}
