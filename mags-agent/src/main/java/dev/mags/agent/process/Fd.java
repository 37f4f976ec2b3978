package dev.mags.agent.process;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A raw descriptor of the agent's own (a pipe's end, a terminal's master side), read and written as streams.
 * Reads block the calling thread (use {@link PipeReaders}); closing twice is harmless. A descriptor is closed
 * only once its stream is closed, so a reader blocked on it never sees its number reused.
 */
public final class Fd implements AutoCloseable {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    Fd(int fd) {
        this.fd = fd;
    }

    /** {@code /dev/null}, for reading and writing (close-on-exec). */
    public static Fd devNull() throws IOException {
        try {
            return new Fd(NativeIo.open("/dev/null", NativeIo.O_RDWR | NativeIo.O_CLOEXEC));
        } catch (LastErrorException e) {
            throw new IOException("cannot open /dev/null: errno " + e.getErrorCode(), e);
        }
    }

    /** The descriptor number, for a child's file actions; valid until {@link #close()}. */
    public int number() {
        return fd;
    }

    /** Another descriptor of the same file (close-on-exec), closed on its own. */
    public Fd duplicate() throws IOException {
        try {
            return new Fd(NativeIo.fcntl(fd, NativeIo.F_DUPFD_CLOEXEC, 3));
        } catch (LastErrorException e) {
            throw new IOException("cannot duplicate descriptor " + fd + ": errno " + e.getErrorCode(), e);
        }
    }

    /**
     * Reads into {@code buf}; -1 at the end (for a terminal's master side: once no process holds the terminal
     * any more, which the kernel reports as EIO).
     */
    public int read(byte[] buf) throws IOException {
        while (true) {
            try {
                long n = NativeIo.read(fd, buf, buf.length);
                return n == 0 ? -1 : (int) n;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == NativeIo.EINTR || e.getErrorCode() == NativeIo.EAGAIN) {
                    continue;
                }
                if (e.getErrorCode() == NativeIo.EIO) {
                    return -1;
                }
                throw new IOException("read of descriptor " + fd + " failed: errno " + e.getErrorCode(), e);
            }
        }
    }

    /** Writes all of {@code data[offset, offset + length)}. */
    public void write(byte[] data, int offset, int length) throws IOException {
        byte[] chunk = offset == 0 ? data : java.util.Arrays.copyOfRange(data, offset, offset + length);
        int done = 0;
        while (done < length) {
            byte[] rest = done == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, done, length);
            try {
                done += (int) NativeIo.write(fd, rest, length - done);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == NativeIo.EINTR || e.getErrorCode() == NativeIo.EAGAIN) {
                    continue;
                }
                throw new IOException("write to descriptor " + fd + " failed: errno " + e.getErrorCode(), e);
            }
        }
    }

    /** This descriptor as a stream to read; closing the stream closes the descriptor. */
    public InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return Fd.this.read(one) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                byte[] buf = off == 0 && len == b.length ? b : new byte[len];
                int n = Fd.this.read(buf);
                if (n > 0 && buf != b) {
                    System.arraycopy(buf, 0, b, off, n);
                }
                return n;
            }

            @Override
            public void close() {
                Fd.this.close();
            }
        };
    }

    /** This descriptor as a stream to write; closing the stream closes the descriptor. */
    public OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                Fd.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Fd.this.write(b, off, len);
            }

            @Override
            public void close() {
                Fd.this.close();
            }
        };
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            NativeIo.closeQuietly(fd);
        }
    }

    @Override
    public String toString() {
        return "descriptor " + fd;
    }
}
