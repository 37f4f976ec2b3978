package dev.mags.storage.testing;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an attacker inside a sandbox does to the host's reader: a thread that keeps exchanging pairs of paths
 * with renameat2(RENAME_EXCHANGE) (a directory and a symlink to a host directory, atomically trading names)
 * until closed. Each pair's two paths must exist.
 */
public final class Swapper implements AutoCloseable {
    interface C extends Library {
        C INSTANCE = Native.load("c", C.class);
        int AT_FDCWD = -100;
        int RENAME_EXCHANGE = 2;

        int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags) throws LastErrorException;
    }

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong exchanges = new AtomicLong();
    private final Thread thread;
    private volatile RuntimeException failure;

    public Swapper(List<Path[]> pairs) {
        thread = Thread.ofPlatform().daemon().name("swapper").start(() -> {
            try {
                while (!stop.get()) {
                    for (Path[] pair : pairs) {
                        exchange(pair[0], pair[1]);
                        exchanges.incrementAndGet();
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        });
    }

    /** Atomically trades the names of {@code a} and {@code b}. */
    public static void exchange(Path a, Path b) {
        C.INSTANCE.renameat2(C.AT_FDCWD, a.toString(), C.AT_FDCWD, b.toString(), C.RENAME_EXCHANGE);
    }

    public long exchanges() {
        return exchanges.get();
    }

    /** Stops the thread; rethrows what stopped it early, if anything did. */
    @Override
    public void close() {
        stop.set(true);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the swapper", e);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
