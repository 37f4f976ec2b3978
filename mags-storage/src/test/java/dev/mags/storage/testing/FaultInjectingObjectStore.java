package dev.mags.storage.testing;

import dev.mags.storage.error.StoreUnavailableException;
import dev.mags.storage.object.ObjectInfo;
import dev.mags.storage.object.ObjectStore;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Wraps a store and misbehaves on purpose: fails every put after the first N matching ones, delays puts,
 * blocks puts until released, or stores puts and then loses their answer. Counts operations, for tests of crash safety and of garbage collection.
 */
public final class FaultInjectingObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final AtomicInteger puts = new AtomicInteger();
    private final AtomicInteger gets = new AtomicInteger();
    private volatile int failPutsAfter = Integer.MAX_VALUE;
    private volatile Predicate<String> faultKeys = k -> true;
    private volatile Duration putDelay = Duration.ZERO;
    private volatile CountDownLatch gate;
    private volatile Predicate<String> gatedKeys = k -> k.startsWith("chunks/");
    private volatile Predicate<String> lostAnswers = k -> false;

    public FaultInjectingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /** Puts of keys matching {@code keys} fail once {@code n} of them have succeeded. */
    public FaultInjectingObjectStore failPutsAfter(int n, Predicate<String> keys) {
        this.faultKeys = keys;
        this.failPutsAfter = n;
        return this;
    }

    public FaultInjectingObjectStore delayPuts(Duration d) {
        this.putDelay = d;
        return this;
    }

    /** Puts of chunks block until {@link #open()} (the in-flight sync of a GC test). */
    public FaultInjectingObjectStore holdChunkPuts() {
        return holdPuts(k -> k.startsWith("chunks/"));
    }

    /** Puts of matching keys block until {@link #open()}. */
    public FaultInjectingObjectStore holdPuts(Predicate<String> keys) {
        this.gatedKeys = keys;
        this.gate = new CountDownLatch(1);
        return this;
    }

    /** Puts of matching keys are stored, and then fail as if their answer was lost on the way back. */
    public FaultInjectingObjectStore loseAnswers(Predicate<String> keys) {
        this.lostAnswers = keys;
        return this;
    }

    public void open() {
        CountDownLatch g = gate;
        if (g != null) {
            g.countDown();
        }
    }

    public void heal() {
        failPutsAfter = Integer.MAX_VALUE;
        putDelay = Duration.ZERO;
        open();
    }

    public int puts() {
        return puts.get();
    }

    public int gets() {
        return gets.get();
    }

    private void beforePut(String key) {
        CountDownLatch g = gate;
        if (g != null && gatedKeys.test(key)) {
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted", e);
            }
        }
        if (!putDelay.isZero()) {
            try {
                Thread.sleep(putDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted", e);
            }
        }
        if (faultKeys.test(key)) {
            synchronized (this) {
                if (failPutsAfter <= 0) {
                    throw new StoreUnavailableException("injected fault: store unreachable while uploading " + key);
                }
                failPutsAfter--;
            }
        }
        puts.incrementAndGet();
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        beforePut(key);
        boolean written = delegate.putIfAbsent(key, data);
        afterPut(key);
        return written;
    }

    @Override
    public void put(String key, byte[] data) {
        beforePut(key);
        delegate.put(key, data);
        afterPut(key);
    }

    private void afterPut(String key) {
        if (lostAnswers.test(key)) {
            throw new StoreUnavailableException("injected fault: the answer to the upload of " + key + " was lost");
        }
    }

    @Override
    public InputStream get(String key) {
        gets.incrementAndGet();
        return delegate.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        gets.incrementAndGet();
        return delegate.getRange(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return delegate.head(key);
    }

    @Override
    public Stream<ObjectInfo> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public String describe() {
        return "fault-injecting " + delegate.describe();
    }
}
