package dev.mags.agent.files;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.ByteOrder;

/**
 * A file of a sandbox opened through {@link InRoot}, read and written at positions through its descriptor:
 * what was resolved inside the sandbox's root is what is read or written, whatever happens to its path later.
 */
final class FileChannelOfFd implements SeekableByteChannel {
    private final int fd;
    private final String path;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final Runnable onClose;
    private long position;
    private boolean closed;

    FileChannelOfFd(int fd, String path, boolean readable, boolean writable, boolean append, Runnable onClose) {
        this.fd = fd;
        this.path = path;
        this.readable = readable;
        this.writable = writable;
        this.append = append;
        this.onClose = onClose;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        open();
        if (!readable) {
            throw new NonReadableChannelException();
        }
        byte[] buf = new byte[dst.remaining()];
        try {
            long n = InRoot.pread(fd, buf, buf.length, position);
            if (n <= 0) {
                return buf.length == 0 ? 0 : -1;
            }
            dst.put(buf, 0, (int) n);
            position += n;
            return (int) n;
        } catch (LastErrorException e) {
            throw InRoot.error("read", path, e);
        }
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        open();
        if (!writable) {
            throw new NonWritableChannelException();
        }
        byte[] buf = new byte[src.remaining()];
        src.get(buf);
        try {
            int done = 0;
            while (done < buf.length) {
                byte[] rest = done == 0 ? buf : java.util.Arrays.copyOfRange(buf, done, buf.length);
                long n = append ? InRoot.write(fd, rest, rest.length) : InRoot.pwrite(fd, rest, rest.length, position + done);
                done += (int) n;
            }
            position = append ? size() : position + done;
            return done;
        } catch (LastErrorException e) {
            throw InRoot.error("write", path, e);
        }
    }

    @Override
    public synchronized long position() throws IOException {
        open();
        return position;
    }

    @Override
    public synchronized SeekableByteChannel position(long newPosition) throws IOException {
        open();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public synchronized long size() throws IOException {
        open();
        byte[] buf = new byte[InRoot.STATX_SIZE];
        try {
            InRoot.statx(fd, InRoot.c(""), InRoot.AT_EMPTY_PATH, 0x7ff, buf);
        } catch (LastErrorException e) {
            throw InRoot.error("statx", path, e);
        }
        return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getLong(40);
    }

    @Override
    public synchronized SeekableByteChannel truncate(long size) throws IOException {
        open();
        if (!writable) {
            throw new NonWritableChannelException();
        }
        if (size < size()) {
            try {
                InRoot.ftruncate(fd, size);
            } catch (LastErrorException e) {
                throw InRoot.error("ftruncate", path, e);
            }
        }
        position = Math.min(position, size);
        return this;
    }

    @Override
    public synchronized boolean isOpen() {
        return !closed;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            InRoot.closeQuietly(fd);
            onClose.run();
        }
    }

    private void open() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }
}
