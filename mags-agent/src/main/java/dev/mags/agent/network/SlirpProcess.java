package dev.mags.agent.network;

import dev.mags.agent.process.PipeReaders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running slirp4netns. Its stdout and stderr are drained for as long as it runs (it prints a line
 * per API request; a full pipe would stall it), keeping the last few KiB to explain a failure.
 */
public final class SlirpProcess {
    private static final int TAIL = 16 * 1024;

    private final List<String> argv;
    private final Process process;
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(1);

    private final StringBuilder tail = new StringBuilder();
    private final List<Thread> readers;

    SlirpProcess(List<String> argv, Process process) {
        this.argv = List.copyOf(argv);
        this.process = process;
        this.readers = List.of(drain(process.getInputStream()), drain(process.getErrorStream()));
    }

    public long pid() {
        return process.pid();
    }

    public List<String> argv() {
        return argv;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while it runs. */
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** The end of what it printed; once it has exited, all of it (the pipes are read to their end first). */
    public String output() {
        if (!process.isAlive()) {
            try {
                for (Thread reader : readers) {
                    reader.join(DRAIN_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            return tail.toString().strip();
        }
    }

    /** SIGKILL, then waits up to {@code wait}; true once it is gone. */
    public boolean kill(Duration wait) {
        process.destroyForcibly();
        try {
            return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private Thread drain(InputStream in) {
        return PipeReaders.thread().name("slirp4netns-output").start(() -> {
            byte[] buffer = new byte[4096];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The process is gone; what we have is all there is.
            }
        });
    }

    private synchronized void append(String text) {
        tail.append(text);
        if (tail.length() > TAIL) {
            tail.delete(0, tail.length() - TAIL);
        }
    }
}
