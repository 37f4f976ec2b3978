package dev.mags.controlplane.workspace;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * One permit per workspace (by agent key): the job that runs in it holds the permit, so a second job
 * waits, pending, until the first has ended; the idle reaper takes it too while it deletes.
 */
public final class WorkspaceLocks {
    private final ConcurrentHashMap<String, Semaphore> permits = new ConcurrentHashMap<>();

    private Semaphore of(String key) {
        return permits.computeIfAbsent(key, k -> new Semaphore(1, true));
    }

    /** Waits for the workspace; interruptible. */
    public void acquire(String key) throws InterruptedException {
        of(key).acquire();
    }

    /** Takes the workspace only if no job holds it or waits for it. */
    public boolean tryAcquire(String key) {
        Semaphore s = of(key);
        return !s.hasQueuedThreads() && s.tryAcquire();
    }

    public void release(String key) {
        of(key).release();
    }

    /** Whether a job holds the workspace or waits for it. */
    public boolean inUse(String key) {
        Semaphore s = permits.get(key);
        return s != null && (s.availablePermits() == 0 || s.hasQueuedThreads());
    }
}
