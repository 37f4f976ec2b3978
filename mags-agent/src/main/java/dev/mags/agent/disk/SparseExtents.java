package dev.mags.agent.disk;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The parts of a sparse file that hold data (lseek with SEEK_DATA and SEEK_HOLE, which java.nio lacks). */
final class SparseExtents {
    private static final int O_RDONLY = 0;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;

    /** A range of bytes that holds data: {@code [start, end)}. */
    record Extent(long start, long end) {
        long length() {
            return end - start;
        }
    }

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int open(String path, int flags) throws LastErrorException;

        long lseek(int fd, long offset, int whence) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private SparseExtents() {}

    /** The data extents of {@code file} in order; a file system without holes reports the whole file. */
    static List<Extent> of(Path file, long size) throws IOException {
        LibC libc = LibC.INSTANCE;
        int fd;
        try {
            fd = libc.open(file.toString(), O_RDONLY);
        } catch (LastErrorException e) {
            throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
        }
        try {
            List<Extent> extents = new ArrayList<>();
            long offset = 0;
            while (offset < size) {
                long data;
                try {
                    data = libc.lseek(fd, offset, SEEK_DATA);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == ENXIO) {
                        break; // only a hole after offset
                    }
                    throw e;
                }
                long hole = libc.lseek(fd, data, SEEK_HOLE);
                extents.add(new Extent(data, hole));
                offset = hole;
            }
            return extents;
        } catch (LastErrorException e) {
            throw new IOException("cannot find the data in " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                libc.close(fd);
            } catch (LastErrorException e) {
                // read-only descriptor: nothing was lost
            }
        }
    }
}
