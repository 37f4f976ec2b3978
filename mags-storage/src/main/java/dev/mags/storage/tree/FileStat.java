package dev.mags.storage.tree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** lstat(2) (or statx(2)) of one entry: what a snapshot records, plus inode and ctime to tell unchanged files. */
public record FileStat(int mode, long ino, long dev, long rdev, int nlink, long uid, long gid, long size,
                       long mtimeNs, long ctimeNs) {
    /** Named, not "unix:*": that one also resolves owner and group names, which triples the cost of a stat. */
    private static final String ATTRIBUTES = "unix:mode,ino,dev,rdev,nlink,uid,gid,size,lastModifiedTime,ctime";

    public static FileStat of(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        return new FileStat((Integer) a.get("mode"), (Long) a.get("ino"), (Long) a.get("dev"), (Long) a.get("rdev"),
                (Integer) a.get("nlink"), ((Integer) a.get("uid")) & 0xffffffffL, ((Integer) a.get("gid")) & 0xffffffffL,
                (Long) a.get("size"), nanos((FileTime) a.get("lastModifiedTime")), nanos((FileTime) a.get("ctime")));
    }

    /** Size of struct statx, whose layout is the same on every architecture. */
    static final int STATX_SIZE = 256;

    /** A struct statx as statx(2) filled it. */
    static FileStat ofStatx(byte[] raw) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.nativeOrder());
        return new FileStat(b.getShort(28) & 0xffff, b.getLong(32),
                NativeFs.makedev(b.getInt(136), b.getInt(140)), NativeFs.makedev(b.getInt(128), b.getInt(132)),
                b.getInt(16), b.getInt(20) & 0xffffffffL, b.getInt(24) & 0xffffffffL, b.getLong(40),
                timestamp(b, 112), timestamp(b, 96));
    }

    /** A struct statx_timestamp: s64 seconds, u32 nanoseconds. */
    private static long timestamp(java.nio.ByteBuffer b, int offset) {
        return b.getLong(offset) * 1_000_000_000L + (b.getInt(offset + 8) & 0xffffffffL);
    }

    public int type() {
        return mode & NativeFs.S_IFMT;
    }

    public int permissions() {
        return mode & 07777;
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }
}
