package dev.mags.agent.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Drains one output pipe of a command on its own virtual thread, so that a command writing a lot
 * to one stream never blocks on a full pipe while we wait on the other. Keeps the last
 * {@link #LIMIT} characters: a failure is explained by the end of stderr, not its beginning.
 */
final class StreamCollector {
    static final int LIMIT = 4 << 20;

    private final StringBuilder text = new StringBuilder();
    private final Thread thread;

    private StreamCollector(InputStream in, Consumer<String> onLine) {
        this.thread = PipeReaders.thread().name("command-output").start(() -> drain(in, onLine));
    }

    static StreamCollector start(InputStream in, Consumer<String> onLine) {
        return new StreamCollector(in, onLine);
    }

    private void drain(InputStream in, Consumer<String> onLine) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                append(line);
                onLine.accept(line);
            }
        } catch (IOException e) {
            // The process was destroyed under us (timeout); what we read so far is all there is.
            append("[reading output failed: " + e.getMessage() + "]");
        } catch (UncheckedIOException e) {
            append("[output consumer failed: " + e.getMessage() + "]");
        }
    }

    private synchronized void append(String line) {
        text.append(line).append('\n');
        if (text.length() > LIMIT) {
            text.delete(0, text.length() - LIMIT);
        }
    }

    /**
     * Waits up to {@code wait} for the stream to reach EOF (a grandchild may hold the pipe open after
     * the command exited) and returns what was read.
     */
    String await(Duration wait) throws InterruptedException {
        thread.join(wait);
        synchronized (this) {
            return text.toString();
        }
    }
}
