package dev.mags.storage.tree;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file opened inside a tree, read and written at positions through its descriptor: what was checked about
 * it (fstat) is what is read or written, whatever happens to its path meanwhile. Closing twice is harmless.
 */
public final class TreeFile implements AutoCloseable {
    /** Heap arrays are read through native memory of at most this size, allocated once per file. */
    private static final int BOUNCE_MAX = 1 << 20;

    private final int fd;
    private final String where;
    private Memory bounce;
    private boolean closed;

    TreeFile(int fd, String where) {
        this.fd = fd;
        this.where = where;
    }

    /** fstat of the open file. */
    public FileStat stat() throws IOException {
        return Stats.of(fd, "", Posix.AT_EMPTY_PATH, where);
    }

    /**
     * Reads up to {@code length} bytes at {@code position} into {@code dst} from {@code offset}, fewer only
     * at the end of the file.
     *
     * @return the bytes read; 0 at the end of the file
     */
    public int read(long position, byte[] dst, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int want = Math.min(length - done, BOUNCE_MAX);
            if (bounce == null || bounce.size() < want) {
                if (bounce != null) {
                    bounce.close();
                }
                bounce = new Memory(Math.max(want, 8192));
            }
            long n;
            try {
                n = Posix.pread(fd, bounce, want, position + done);
            } catch (LastErrorException e) {
                throw Posix.error("pread", where, e);
            }
            if (n <= 0) {
                break;
            }
            bounce.read(0, dst, offset + done, (int) n);
            done += (int) n;
        }
        return done;
    }

    /** Writes all of {@code src} (from its position; a direct buffer is written without a copy) at {@code position}. */
    public void write(long position, ByteBuffer src) throws IOException {
        if (!src.isDirect()) {
            ByteBuffer direct = ByteBuffer.allocateDirect(src.remaining());
            direct.put(src.duplicate()).flip();
            write(position, direct);
            src.position(src.limit());
            return;
        }
        Pointer base = Native.getDirectBufferPointer(src);
        long at = position;
        while (src.hasRemaining()) {
            long n;
            try {
                n = Posix.pwrite(fd, base.share(src.position()), src.remaining(), at);
            } catch (LastErrorException e) {
                throw Posix.error("pwrite", where, e);
            }
            src.position(src.position() + (int) n);
            at += n;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (bounce != null) {
                bounce.close();
            }
            Posix.closeQuietly(fd);
        }
    }
}
