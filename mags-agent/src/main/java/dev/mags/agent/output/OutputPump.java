package dev.mags.agent.output;

import dev.mags.agent.process.PipeReaders;
import dev.mags.protocol.v2.ExecListener;
import dev.mags.protocol.v2.ExecStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads one output stream of a process on a thread of its own and hands the bytes over as they come. */
public final class OutputPump {
    private static final int CHUNK = 16 * 1024;

    private OutputPump() {}

    /** Starts reading; the returned thread ends at EOF, which is how the caller knows all output was delivered. */
    public static Thread start(String name, InputStream in, ExecStream stream, ExecListener listener) {
        return PipeReaders.thread().name("output-" + name + "-" + stream).start(() -> {
            byte[] buf = new byte[CHUNK];
            try (in) {
                int n;
                while ((n = in.read(buf, 0, buf.length)) >= 0) {
                    if (n > 0) {
                        listener.output(stream, buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // closed under us (the sandbox is being torn down): nothing more to read
            }
        });
    }
}
