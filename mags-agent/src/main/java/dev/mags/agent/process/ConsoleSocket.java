package dev.mags.agent.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A unix socket on which the OCI runtime hands over the master side of a terminal it made for a process
 * ({@code runc exec --tty --console-socket}): one connection, one message carrying the descriptor
 * (SCM_RIGHTS). The socket file is removed on close.
 */
public final class ConsoleSocket implements AutoCloseable {
    /** sizeof(struct sockaddr_un): a short family and 108 bytes of path. */
    private static final int SUN_PATH = 108;
    private static final int MSGHDR_BYTES = 56;
    private static final int CONTROL_BYTES = 64;
    private static final int DATA_BYTES = 4096;

    private final int fd;
    private final Path path;

    private ConsoleSocket(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    public static ConsoleSocket listen(Path path) throws IOException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH) {
            throw new IOException("socket path " + path + " is longer than a unix socket allows");
        }
        byte[] address = new byte[2 + name.length + 1];
        address[0] = NativeIo.AF_UNIX; // sa_family_t, a short in the host's (little-endian) order
        System.arraycopy(name, 0, address, 2, name.length);
        int fd;
        try {
            fd = NativeIo.socket(NativeIo.AF_UNIX, NativeIo.SOCK_STREAM | NativeIo.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("socket failed: errno " + e.getErrorCode(), e);
        }
        try {
            NativeIo.bind(fd, address, address.length);
            NativeIo.listen(fd, 1);
            return new ConsoleSocket(fd, path);
        } catch (LastErrorException e) {
            NativeIo.closeQuietly(fd);
            throw new IOException("cannot listen on " + path + ": errno " + e.getErrorCode(), e);
        }
    }

    public Path path() {
        return path;
    }

    /**
     * Waits up to {@code wait} for the runtime to connect and send the terminal's master side.
     *
     * @throws IOException when nothing came in time, or the message carried no descriptor
     */
    public Fd receive(Duration wait) throws IOException {
        if (!readable(fd, wait)) {
            throw new IOException("the runtime did not send the terminal within " + wait);
        }
        int conn;
        try {
            conn = NativeIo.accept4(fd, null, null, NativeIo.SOCK_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("accept on " + path + " failed: errno " + e.getErrorCode(), e);
        }
        try (Memory msg = new Memory(MSGHDR_BYTES); Memory iov = new Memory(16); Memory data = new Memory(DATA_BYTES);
                Memory control = new Memory(CONTROL_BYTES)) {
            msg.clear();
            control.clear();
            iov.setPointer(0, data);
            iov.setLong(8, DATA_BYTES);
            msg.setPointer(16, iov); // msg_iov
            msg.setLong(24, 1); // msg_iovlen
            msg.setPointer(32, control); // msg_control
            msg.setLong(40, CONTROL_BYTES); // msg_controllen
            if (!readable(conn, wait)) {
                throw new IOException("the runtime connected but sent no terminal within " + wait);
            }
            NativeIo.recvmsg(conn, msg, NativeIo.O_CLOEXEC_MSG);
            long controlLength = msg.getLong(40);
            // struct cmsghdr: size_t len, int level, int type, then the data (one int)
            if (controlLength < 20 || control.getInt(8) != NativeIo.SOL_SOCKET || control.getInt(12) != NativeIo.SCM_RIGHTS) {
                throw new IOException("the runtime's message on " + path + " carried no descriptor");
            }
            return new Fd(control.getInt(16));
        } catch (LastErrorException e) {
            throw new IOException("recvmsg on " + path + " failed: errno " + e.getErrorCode(), e);
        } finally {
            NativeIo.closeQuietly(conn);
        }
    }

    private static boolean readable(int fd, Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        try (Memory pollfd = new Memory(8)) {
            while (true) {
                pollfd.setInt(0, fd);
                pollfd.setShort(4, NativeIo.POLLIN);
                pollfd.setShort(6, (short) 0);
                int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                try {
                    if (NativeIo.poll(pollfd, 1, left) > 0) {
                        return true;
                    }
                    if (left == 0) {
                        return false;
                    }
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != NativeIo.EINTR) {
                        throw new IOException("poll failed: errno " + e.getErrorCode(), e);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        NativeIo.closeQuietly(fd);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // in the sandbox's directory, which goes with the sandbox
        }
    }
}
