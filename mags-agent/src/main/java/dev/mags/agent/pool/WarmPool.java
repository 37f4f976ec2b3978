package dev.mags.agent.pool;

import dev.mags.agent.sandbox.SandboxShape;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers created and started ahead of their jobs, up to a target number per {@link SandboxShape}
 * ({@code T} is the container type; tests use a simpler one).
 * {@link #take} never waits: it hands out a ready container of the shape or nothing, and every take
 * starts a refill in the background (at most {@code fillConcurrency} creations at once). A container
 * that is no longer {@code usable} (its init died, its image was rebuilt) is discarded, never handed
 * out. A creation that fails is retried after a growing pause. {@link #close()} stops refilling and
 * releases every pooled container.
 */
public final class WarmPool<T> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofMinutes(1);

    private final Map<SandboxShape, Integer> targets;
    private final Function<SandboxShape, T> create;
    private final Predicate<T> usable;
    private final Consumer<T> release;
    private final ExecutorService fillers;
    private final ScheduledExecutorService retries;
    private final Map<SandboxShape, Deque<T>> ready = new HashMap<>();
    private final Map<SandboxShape, Integer> creating = new HashMap<>();
    private final Map<SandboxShape, Failures> failures = new HashMap<>();
    private final Set<CompletableFuture<Void>> releasing = ConcurrentHashMap.newKeySet();
    private boolean closed;

    /** Consecutive failed creations of a shape, and when the next may be tried. */
    private record Failures(int count, long notBeforeNanos, boolean retryScheduled) {}

    /**
     * @param targets how many containers to keep ready per shape
     * @param create builds a started container of a shape; throws when it cannot
     * @param usable whether a pooled container may still be handed out
     * @param release releases a container that is discarded or left over at close
     */
    public WarmPool(Map<SandboxShape, Integer> targets, int fillConcurrency, Function<SandboxShape, T> create,
            Predicate<T> usable, Consumer<T> release) {
        this.targets = new LinkedHashMap<>(targets);
        this.targets.values().removeIf(n -> n <= 0);
        this.create = create;
        this.usable = usable;
        this.release = release;
        this.fillers = Executors.newFixedThreadPool(fillConcurrency, Thread.ofVirtual().name("warm-pool-", 0).factory());
        this.retries = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("warm-pool-retry").daemon().factory());
    }

    /** Starts filling every shape up to its target. */
    public void start() {
        targets.keySet().forEach(this::topUp);
    }

    public boolean keeps(SandboxShape shape) {
        return targets.containsKey(shape);
    }

    /** How many containers of {@code shape} are ready now. */
    public synchronized int ready(SandboxShape shape) {
        return ready.getOrDefault(shape, new ArrayDeque<>()).size();
    }

    /** Every ready container, of every shape. */
    public synchronized List<T> pooled() {
        List<T> all = new ArrayList<>();
        ready.values().forEach(all::addAll);
        return all;
    }

    /** A ready container of {@code shape}, the oldest first, or empty; never waits for one to be created. */
    public Optional<T> take(SandboxShape shape) {
        if (!keeps(shape)) {
            return Optional.empty();
        }
        try {
            while (true) {
                T container;
                synchronized (this) {
                    if (closed) {
                        return Optional.empty();
                    }
                    container = ready.computeIfAbsent(shape, s -> new ArrayDeque<>()).pollFirst();
                }
                if (container == null) {
                    return Optional.empty();
                }
                if (usable.test(container)) {
                    return Optional.of(container);
                }
                log.info("warm pool: discarding {}: its init is gone or its image was rebuilt", container);
                discard(container);
            }
        } finally {
            topUp(shape);
        }
    }

    /** Starts as many creations as the shape lacks, unless it is waiting out a failure. */
    private void topUp(SandboxShape shape) {
        int missing;
        synchronized (this) {
            if (closed) {
                return;
            }
            Failures failed = failures.get(shape);
            if (failed != null && System.nanoTime() < failed.notBeforeNanos()) {
                scheduleRetry(shape, failed);
                return;
            }
            missing = targets.get(shape) - ready(shape) - creating.getOrDefault(shape, 0);
            if (missing <= 0) {
                return;
            }
            creating.merge(shape, missing, Integer::sum);
        }
        for (int i = 0; i < missing; i++) {
            try {
                fillers.execute(() -> fill(shape));
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    creating.merge(shape, -1, Integer::sum); // closing
                }
            }
        }
    }

    private void scheduleRetry(SandboxShape shape, Failures failed) {
        if (failed.retryScheduled()) {
            return;
        }
        failures.put(shape, new Failures(failed.count(), failed.notBeforeNanos(), true));
        long delay = Math.max(0, failed.notBeforeNanos() - System.nanoTime());
        try {
            retries.schedule(() -> {
                synchronized (this) {
                    Failures now = failures.get(shape);
                    if (now != null) {
                        failures.put(shape, new Failures(now.count(), now.notBeforeNanos(), false));
                    }
                }
                topUp(shape);
            }, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void fill(SandboxShape shape) {
        T container;
        try {
            container = create.apply(shape);
        } catch (RuntimeException e) {
            failed(shape, e);
            return;
        }
        boolean kept;
        synchronized (this) {
            creating.merge(shape, -1, Integer::sum);
            kept = !closed;
            if (kept) {
                ready.computeIfAbsent(shape, s -> new ArrayDeque<>()).addLast(container);
                failures.remove(shape);
            }
        }
        if (!kept) {
            discard(container);
        }
    }

    private void failed(SandboxShape shape, RuntimeException e) {
        Failures next;
        synchronized (this) {
            creating.merge(shape, -1, Integer::sum);
            if (closed) {
                return; // creations fail once the agent shuts down; nothing to retry or report
            }
            Failures before = failures.get(shape);
            int count = before == null ? 1 : before.count() + 1;
            long pause = Math.min(MAX_RETRY.toNanos(), FIRST_RETRY.toNanos() << Math.min(count - 1, 16));
            next = new Failures(count, System.nanoTime() + pause, before != null && before.retryScheduled());
            failures.put(shape, next);
        }
        if (next.count() == 1) {
            log.warn("warm pool: cannot create a sandbox of {}: {}; retrying in the background", shape, e.getMessage());
        } else {
            log.debug("warm pool: creating a sandbox of {} failed again ({} times): {}", shape, next.count(), e.getMessage());
        }
        topUp(shape); // schedules the retry
    }

    private void discard(T container) {
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> release.accept(container),
                command -> Thread.ofVirtual().name("warm-pool-release").start(command));
        releasing.add(done);
        done.whenComplete((ok, error) -> releasing.remove(done));
    }

    /**
     * Stops refilling, waits (bounded by {@code wait}) for creations in flight, and releases every
     * pooled container. Closing twice is harmless.
     */
    public void close(Duration wait) {
        List<T> left = new ArrayList<>();
        synchronized (this) {
            closed = true;
            ready.values().forEach(left::addAll);
            ready.clear();
        }
        retries.shutdownNow();
        fillers.shutdown();
        left.forEach(this::discard);
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            if (!fillers.awaitTermination(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn("warm pool: sandboxes still being created after {}; reconcile will remove them", wait);
            }
            CompletableFuture.allOf(releasing.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            log.warn("warm pool: not every pooled sandbox was released within {}; reconcile will remove the rest", wait);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
