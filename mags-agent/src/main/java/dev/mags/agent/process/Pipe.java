package dev.mags.agent.process;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * A pipe of the agent's own (close-on-exec, so no other child inherits it), whose ends outlive any process
 * started with one of them: unlike the JDK's pipes to a {@link Process}, which the JDK drains and closes when
 * that process exits.
 */
public record Pipe(Fd read, Fd write) implements AutoCloseable {
    public static Pipe open() throws IOException {
        int[] fds = new int[2];
        try {
            NativeIo.pipe2(fds, NativeIo.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("pipe2 failed: errno " + e.getErrorCode(), e);
        }
        return new Pipe(new Fd(fds[0]), new Fd(fds[1]));
    }

    @Override
    public void close() {
        read.close();
        write.close();
    }
}
