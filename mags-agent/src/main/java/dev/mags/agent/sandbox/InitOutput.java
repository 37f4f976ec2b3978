package dev.mags.agent.sandbox;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code runc run --detach} and the container's init write their stdout and stderr: an anonymous memory
 * file ({@code memfd_create}), never a file in the sandbox directory. The init inherits the runtime's stdio and
 * keeps it as long as the sandbox lives, and a job can read its links ({@code ls -l /proc/1/fd}) and open them:
 * they name {@code /memfd:mags-init (deleted)}, no host path, and what a job writes through them is charged to
 * its own memory cgroup instead of filling a tmpfs that other sandboxes share. The agent's descriptor serves
 * the diagnosis while the sandbox is built (the runtime's and the init's words when either fails) and is
 * closed then; the init's copy goes with the sandbox.
 */
final class InitOutput implements AutoCloseable {
    private static final int MFD_CLOEXEC = 1;
    private static final int MAX_TAIL = 4096;

    interface LibC extends Library {
        int memfd_create(String name, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    private final int fd;
    private boolean closed;

    private InitOutput(int fd) {
        this.fd = fd;
    }

    static InitOutput create() throws IOException {
        try {
            return new InitOutput(LIBC.memfd_create("mags-init", MFD_CLOEXEC));
        } catch (LastErrorException e) {
            throw new IOException("memfd_create failed: errno " + e.getErrorCode(), e);
        }
    }

    /**
     * A name this process can open the file by, as the runtime's launcher does for its output (appending);
     * valid until {@link #close()}.
     */
    Path path() {
        return Path.of("/proc/self/fd/" + fd);
    }

    /** The last few KiB written, or "" when nothing was or the file cannot be read. */
    synchronized String tail() {
        if (closed) {
            return "";
        }
        try {
            byte[] bytes = Files.readAllBytes(path());
            int from = Math.max(0, bytes.length - MAX_TAIL);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                LIBC.close(fd);
            } catch (LastErrorException e) {
                // nothing was written through this descriptor
            }
        }
    }
}
