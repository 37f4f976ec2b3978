package dev.mags.storage.tree;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/** statx(2) into a {@link FileStat}. */
final class Stats {
    private Stats() {}

    /** statx of {@code path} relative to {@code dirfd} ("" with AT_EMPTY_PATH: the fd itself). */
    static FileStat of(int dirfd, String path, int flags, String where) throws IOException {
        byte[] buf = new byte[FileStat.STATX_SIZE];
        try {
            Posix.statx(dirfd, Posix.c(path), flags, Posix.STATX_BASIC_STATS, buf);
        } catch (LastErrorException e) {
            throw Posix.error("statx", where, e);
        }
        return FileStat.ofStatx(buf);
    }
}
