package dev.mags.controlplane.ssh.session;

import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A process's output, written to the SSH channel as it comes. A write waits while the client's window is full
 * (the SSH flow control: at most the window the client grants, 2 MiB for OpenSSH, is in flight per channel), so
 * a slow client slows the agent's reader and, through the full pipe, the process itself; nothing piles up here.
 * Once the client has gone, output is dropped so that the process's reader never blocks on it.
 */
final class ChannelSink implements ExecListener {
    private final OutputStream out;
    private final OutputStream err;
    private volatile boolean broken;

    ChannelSink(OutputStream out, OutputStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void output(ExecStream stream, byte[] data, int offset, int length) {
        if (broken) {
            return;
        }
        OutputStream target = stream == ExecStream.STDERR ? err : out;
        try {
            synchronized (target) {
                target.write(data, offset, length);
                target.flush();
            }
        } catch (InterruptedIOException e) {
            broken = true;
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            broken = true;
        }
    }

    /** Writes a line of the gateway's own to stderr (a message before the exit status). */
    void message(String line, boolean terminal) {
        byte[] bytes = (line + (terminal ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8);
        output(ExecStream.STDERR, bytes, 0, bytes.length);
    }

    /** Sends what is still buffered; false once the client has gone. */
    boolean flush() {
        try {
            out.flush();
            err.flush();
        } catch (IOException e) {
            broken = true;
        }
        return !broken;
    }
}
