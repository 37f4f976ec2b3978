package dev.mags.controlplane.job;

import dev.mags.api.JobInfo;
import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import dev.mags.controlplane.state.LogStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The output of one live job: numbers lines, hands them to live subscribers at once, and keeps
 * them in memory until they are persisted in batches. A follower that subscribes gets, atomically,
 * the lines not yet persisted and the highest persisted seq, so that reading the store up to that
 * seq and then the snapshot and then live lines yields every line exactly once.
 */
public final class JobOutput {
    private final String jobId;
    private final long maxBytes;
    private final List<LogEntry> unpersisted = new ArrayList<>();
    private final List<OutputSubscriber> subscribers = new CopyOnWriteArrayList<>();
    private final ReentrantLock persistLock = new ReentrantLock();
    private long lastSeq;
    private long persistedUpTo;
    private long bytes;
    private boolean truncated;
    private boolean closed;

    JobOutput(String jobId, long lastPersistedSeq, long maxBytes) {
        this.jobId = jobId;
        this.lastSeq = lastPersistedSeq;
        this.persistedUpTo = lastPersistedSeq;
        this.maxBytes = maxBytes;
    }

    public String jobId() {
        return jobId;
    }

    /** Records a line; past the job's output limit lines are dropped after one notice. */
    public synchronized void append(LogSource source, Instant timestamp, String message) {
        if (closed || truncated) {
            return;
        }
        bytes += message.getBytes(StandardCharsets.UTF_8).length + 1;
        if (bytes > maxBytes) {
            truncated = true;
            add(LogSource.SYSTEM, timestamp, "output truncated: the job wrote more than " + maxBytes
                    + " bytes; further lines are not kept");
            return;
        }
        add(source, timestamp, message);
    }

    private void add(LogSource source, Instant timestamp, String message) {
        LogEntry entry = new LogEntry(++lastSeq, timestamp, source, message);
        unpersisted.add(entry);
        for (OutputSubscriber s : subscribers) {
            s.onLog(entry);
        }
    }

    /** Writes the lines not yet persisted; safe to call from several threads. */
    public void persist(LogStore store) {
        persistLock.lock();
        try {
            List<LogEntry> batch;
            synchronized (this) {
                batch = List.copyOf(unpersisted);
            }
            if (batch.isEmpty()) {
                return;
            }
            store.append(jobId, batch);
            long upTo = batch.getLast().seq();
            synchronized (this) {
                unpersisted.removeIf(e -> e.seq() <= upTo);
                persistedUpTo = upTo;
            }
        } finally {
            persistLock.unlock();
        }
    }

    /**
     * Registers a follower. Returns null when the job already ended (read everything from the
     * store then); otherwise the snapshot the follower must send before any live line.
     */
    public synchronized Snapshot subscribe(long afterSeq, OutputSubscriber subscriber) {
        if (closed) {
            return null;
        }
        subscribers.add(subscriber);
        return snapshot(afterSeq);
    }

    /** Lines not yet in the store with seq > afterSeq, and the highest seq that is in the store. */
    public synchronized Snapshot snapshot(long afterSeq) {
        return new Snapshot(persistedUpTo, unpersisted.stream().filter(e -> e.seq() > afterSeq).toList());
    }

    /** Lock-free on purpose: called from connection close paths that hold their own locks. */
    public void unsubscribe(OutputSubscriber subscriber) {
        subscribers.remove(subscriber);
    }

    /** Ends the output: call after the last line was persisted and the final status stored. */
    public synchronized void close(JobInfo finalInfo) {
        closed = true;
        for (OutputSubscriber s : subscribers) {
            s.onFinished(finalInfo);
        }
        subscribers.clear();
    }

    public record Snapshot(long persistedUpTo, List<LogEntry> unpersisted) {}
}
