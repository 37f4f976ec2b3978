package dev.mags.agent.output;

import dev.mags.agent.process.PipeReaders;
import dev.mags.protocol.v1.OutputListener;
import dev.mags.protocol.v1.OutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/** Reads one of a sandbox's output pipes on its own virtual thread and hands over timestamped lines. */
public final class OutputPump {
    private OutputPump() {}

    /** Starts reading; the returned thread ends at EOF, which is how the caller knows all output was delivered. */
    public static Thread start(String sandboxId, InputStream in, OutputStream stream, OutputListener listener) {
        LineSplitter splitter = new LineSplitter(line -> listener.onLine(stream, Instant.now(), line));
        return PipeReaders.thread().name("output-" + sandboxId + "-" + stream).start(() -> {
            try (in) {
                splitter.pump(in);
            } catch (IOException e) {
                // The pipe was closed under us (the sandbox is being torn down); nothing more to read.
                splitter.finish();
            }
        });
    }
}
