package dev.mags.agent.sandbox;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's ends of FIFOs a process in a sandbox opens too. Opening a FIFO waits for its other end; these opens
 * are bounded: when the wait passes, a timer opens the FIFO for reading and writing at once, which completes the
 * waiting open (and the stream then reads end of file, or fails to write), and the open reports the timeout.
 */
final class FifoEnds {
    /** The wait for the other end passed. */
    static final class TimedOut extends IOException {
        TimedOut(Path fifo, Duration wait) {
            super("nothing opened the other end of " + fifo.getFileName() + " within " + wait.toMillis() + " ms");
        }
    }

    private FifoEnds() {}

    static FileInputStream openRead(Path fifo, Duration wait, ScheduledExecutorService timers) throws IOException {
        return open(fifo, wait, timers, () -> new FileInputStream(fifo.toFile()));
    }

    static FileOutputStream openWrite(Path fifo, Duration wait, ScheduledExecutorService timers) throws IOException {
        return open(fifo, wait, timers, () -> new FileOutputStream(fifo.toFile()));
    }

    private interface Opening<T> {
        T open() throws IOException;
    }

    private static <T extends AutoCloseable> T open(Path fifo, Duration wait, ScheduledExecutorService timers,
            Opening<T> opening) throws IOException {
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> unblock;
        try {
            unblock = timers.schedule(() -> {
                fired.set(true);
                touch(fifo);
            }, wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            throw new IOException("the agent is closing", e);
        }
        T stream = opening.open();
        unblock.cancel(false);
        if (fired.get()) {
            closeQuietly(stream);
            throw new TimedOut(fifo, wait);
        }
        return stream;
    }

    /** Opening a FIFO for reading and writing never waits, and completes an open waiting on its other end. */
    static void touch(Path fifo) {
        try (RandomAccessFile ignored = new RandomAccessFile(fifo.toFile(), "rw")) {
            // opened and closed
        } catch (IOException e) {
            // gone: nothing waits on it
        }
    }

    /**
     * Removes {@code dir} and its FIFOs so that a process that comes late cannot wait on them for ever: while they
     * are removed each is held open for reading and writing (an open already waiting completes, and reads end of
     * file once it is closed), and an open after that finds nothing.
     */
    static void abandon(Path dir, List<String> names) {
        for (String name : names) {
            Path fifo = dir.resolve(name);
            try (RandomAccessFile held = new RandomAccessFile(fifo.toFile(), "rw")) {
                Files.deleteIfExists(fifo);
            } catch (IOException e) {
                deleteQuietly(fifo);
            }
        }
        deleteQuietly(dir);
    }

    /** Removes {@code dir} and its FIFOs, whose ends are all open (an open FIFO works on without its name). */
    static void remove(Path dir, List<String> names) {
        names.forEach(name -> deleteQuietly(dir.resolve(name)));
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // on the sandbox's own tmpfs, which goes with the sandbox
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // released either way
        }
    }
}
