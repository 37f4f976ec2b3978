package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.ExecEnd;
import dev.mags.api.ExecLine;
import dev.mags.controlplane.exec.Utf8Chunks;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes an exec's output as it is read, one JSON line per chunk, to a blocking response stream: a client that
 * reads slowly makes the write wait, which holds the agent's reader, whose pipe then fills and stops the
 * process. The server keeps no more than the chunk being written. A write that fails (the client went away)
 * calls {@code broken} once and drops what follows.
 */
final class NdjsonSink implements ExecListener {
    private final OutputStream out;
    private final ObjectMapper json;
    private final Runnable broken;
    private final Utf8Chunks stdout = new Utf8Chunks();
    private final Utf8Chunks stderr = new Utf8Chunks();
    private boolean failed;

    NdjsonSink(OutputStream out, ObjectMapper json, Runnable broken) {
        this.out = out;
        this.json = json;
        this.broken = broken;
    }

    @Override
    public synchronized void output(ExecStream stream, byte[] data, int offset, int length) {
        boolean err = stream == ExecStream.STDERR;
        String text = (err ? stderr : stdout).decode(data, offset, length);
        if (!text.isEmpty()) {
            line(ExecLine.output(err ? ExecLine.STDERR : ExecLine.STDOUT, text));
        }
    }

    /** Sends the status line and headers now, unless output did already. */
    synchronized void begin() {
        if (failed) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            failed = true;
            broken.run();
        }
    }

    /** The last line; then the answer ends. */
    synchronized void end(ExecEnd end) {
        String restOut = stdout.finish();
        String restErr = stderr.finish();
        if (!restOut.isEmpty()) {
            line(ExecLine.output(ExecLine.STDOUT, restOut));
        }
        if (!restErr.isEmpty()) {
            line(ExecLine.output(ExecLine.STDERR, restErr));
        }
        line(end);
    }

    private void line(Object value) {
        if (failed) {
            return;
        }
        try {
            byte[] bytes = json.writeValueAsBytes(value);
            out.write(bytes);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            failed = true;
            broken.run();
        }
    }
}
