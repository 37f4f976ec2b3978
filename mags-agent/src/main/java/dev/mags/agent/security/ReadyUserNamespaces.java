package dev.mags.agent.security;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Sandbox user namespaces made ahead, so that a sandbox's build takes one instead of running busybox
 * beside its own work: made beside the build, busybox competed with the disk, the root file system and
 * the job for the cores and slowed a cold job by 3–8 ms on a 2-core host, made ahead by about 2.5 ms
 * (both medians of 40 interleaved runs). All of an agent's namespaces are alike (the same mapping and
 * limits), so any serves any sandbox. The agent makes one ahead when it starts and whenever a sandbox has
 * ended; a build that finds none ready makes its own.
 */
public final class ReadyUserNamespaces implements AutoCloseable {
    private final SandboxUserNamespaces maker;
    private final int size;
    private final Deque<SandboxUserNamespaces.Pending> ready = new ArrayDeque<>();
    private boolean closed;

    /** @param size how many to keep made ahead: one per build that may start before the last one ended */
    public ReadyUserNamespaces(SandboxUserNamespaces maker, int size) {
        this.maker = Objects.requireNonNull(maker, "maker");
        if (size < 0) {
            throw new IllegalArgumentException("size must be zero or more, not " + size);
        }
        this.size = size;
    }

    public InotifyLimits limits() {
        return maker.limits();
    }

    /** A namespace made ahead (or, if none is, one being made now); the caller closes it once joined. */
    public synchronized SandboxUserNamespaces.Pending take() {
        for (SandboxUserNamespaces.Pending pending; (pending = ready.poll()) != null; ) {
            if (pending.usable()) {
                return pending;
            }
            pending.close(); // failed, or its holder was killed: nothing of it runs
        }
        return maker.createAsync("build");
    }

    /** Makes namespaces ahead until {@code size} are; call it at a quiet moment. */
    public synchronized void refill() {
        while (!closed && ready.size() < size) {
            ready.add(maker.createAsync("ahead"));
        }
    }

    /** How many are made or being made ahead. */
    synchronized int ahead() {
        return ready.size();
    }

    /** Waits until those made ahead are made (or failed); for tests. */
    synchronized void awaitAhead() {
        ready.forEach(SandboxUserNamespaces.Pending::awaitQuietly);
    }

    /** Ends the holders of the namespaces made ahead; none is made after. */
    @Override
    public synchronized void close() {
        closed = true;
        ready.forEach(SandboxUserNamespaces.Pending::close);
        ready.clear();
    }
}
