package dev.mags.controlplane.job;

import dev.mags.api.JobInfo;
import dev.mags.api.LogEntry;
import dev.mags.api.LogSource;
import dev.mags.controlplane.state.LogPage;
import dev.mags.controlplane.state.LogStore;
import dev.mags.controlplane.state.OutputChunk;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output of one live job. Lines get the next seq, go to live followers at once and are packed
 * into a buffer that the registry's writer stores every 50 ms. When the buffer reaches
 * {@code bufferBytes} the appending thread (the agent's reader of the sandbox's pipe) stores it
 * itself, so a script that writes faster than the store takes lines is slowed down to that speed:
 * its pipe fills and its writes block. The memory of a job is thus a few buffers whatever its rate.
 * If the store fails, lines past {@link #MAX_UNSTORED} bytes are dropped, counted, and reported by a
 * notice line once it works again. Past {@code maxBytes} of kept output lines are dropped after one
 * "output truncated" notice.
 */
public final class JobOutput {
    private static final Logger LOG = LoggerFactory.getLogger(JobOutput.class);
    /** Lines held while the store fails; past it they are dropped. */
    static final long MAX_UNSTORED = 1024 * 1024;

    /** What {@link #follow} did. */
    public enum Follow {
        /** Subscribed: every line after the given seq comes through {@link OutputSubscriber#onLog}. */
        LIVE,
        /** Not subscribed: lines after the given seq exist already; read them first. */
        BEHIND,
        /** Not subscribed: the job ended and all its lines are in the store. */
        ENDED
    }

    private final String jobId;
    private final LogStore store;
    private final long maxBytes;
    private final long bufferBytes;
    private final List<OutputSubscriber> subscribers = new CopyOnWriteArrayList<>();
    private final ReentrantLock persistLock = new ReentrantLock();
    // Guarded by this: lines not yet being stored, lines being stored now (still shown to readers).
    private OutputChunk.Builder pending;
    private OutputChunk.Builder writing;
    private long persistedUpTo;
    private long keptBytes;
    private long droppedLines;
    private boolean truncated;
    private boolean closed;
    // Guarded by persistLock: the stored row new lines are appended to, while it has room.
    private long rowFirstSeq = -1;
    private long rowBytes;
    private volatile boolean storeFailing;

    JobOutput(String jobId, LogStore store, LogStore.Tail stored, long maxBytes, long bufferBytes) {
        this.jobId = jobId;
        this.store = store;
        this.pending = new OutputChunk.Builder(stored.lastSeq() + 1);
        this.persistedUpTo = stored.lastSeq();
        this.keptBytes = stored.bytes();
        this.maxBytes = maxBytes;
        this.bufferBytes = bufferBytes;
    }

    public String jobId() {
        return jobId;
    }

    /** Records a line; stores the buffer first when it is full (the caller waits for that). */
    public void append(LogSource source, Instant timestamp, String message) {
        if (take(source, timestamp.toEpochMilli(), message)) {
            flush();
        }
    }

    /** Returns whether the buffer is full. */
    private synchronized boolean take(LogSource source, long ts, String message) {
        if (closed || truncated) {
            return false;
        }
        if (unstoredBytes() >= MAX_UNSTORED) {
            droppedLines++;
            return false;
        }
        if (keptBytes + pending.sizeOf(ts, message) > maxBytes) {
            truncated = true;
            record(LogSource.SYSTEM, ts, "output truncated: the job's output reached " + size(maxBytes)
                    + ", the most kept per job; further lines are not kept");
        } else {
            record(source, ts, message);
        }
        // While the store fails, the registry's writer retries; appenders do not hammer it with every line.
        return !storeFailing && unstoredBytes() >= bufferBytes;
    }

    private void record(LogSource source, long ts, String message) {
        long before = pending.bytes();
        long seq = pending.add(source, ts, message);
        keptBytes += pending.bytes() - before;
        if (!subscribers.isEmpty()) {
            LogEntry entry = new LogEntry(seq, Instant.ofEpochMilli(ts), source, OutputChunk.clean(message));
            for (OutputSubscriber s : subscribers) {
                if (!s.onLog(entry)) {
                    subscribers.remove(s);
                }
            }
        }
    }

    private long unstoredBytes() {
        return pending.bytes() + (writing == null ? 0 : writing.bytes());
    }

    /** Bytes of lines held in memory, not stored yet. */
    synchronized long bufferedBytes() {
        return unstoredBytes();
    }

    /** Stores what is buffered unless another thread is doing so; logs a failing store once. */
    void flush() {
        try {
            persist(store);
            if (storeFailing) {
                storeFailing = false;
                LOG.info("output of job {} is stored again", jobId);
            }
        } catch (RuntimeException e) {
            if (!storeFailing) {
                storeFailing = true;
                LOG.warn("cannot store output of job {} (kept in memory up to {} bytes, then dropped): {}", jobId,
                        MAX_UNSTORED, rootMessage(e));
            }
        }
    }

    /** Writes the lines not yet stored, in one transaction; safe to call from several threads. */
    public void persist(LogStore target) {
        persistLock.lock();
        try {
            OutputChunk batch;
            synchronized (this) {
                if (writing == null) {
                    if (pending.isEmpty()) {
                        return;
                    }
                    writing = pending;
                    pending = pending.next();
                }
                batch = writing.build();
            }
            boolean extend = rowFirstSeq >= 0 && rowBytes + batch.bytes() <= LogStore.ROW_BYTES;
            target.append(jobId, batch, extend ? rowFirstSeq : -1);
            if (!extend) {
                rowFirstSeq = batch.firstSeq();
                rowBytes = 0;
            }
            rowBytes += batch.bytes();
            synchronized (this) {
                persistedUpTo = batch.lastSeq();
                writing = null;
                if (droppedLines > 0 && !closed) {
                    long lost = droppedLines;
                    droppedLines = 0;
                    record(LogSource.SYSTEM, System.currentTimeMillis(), lost + " lines of output were lost: "
                            + "the server could not store them");
                }
            }
        } finally {
            persistLock.unlock();
        }
    }

    /** As {@link #flush}, but returns at once when another thread is storing this output already. */
    void flushUnlessBusy() {
        if (persistLock.tryLock()) {
            try {
                flush();
            } finally {
                persistLock.unlock();
            }
        }
    }

    /**
     * Subscribes {@code subscriber} if no line after {@code afterSeq} exists yet; atomic with
     * {@link #append}, so that a follower that read up to {@code afterSeq} misses nothing.
     */
    public synchronized Follow follow(long afterSeq, OutputSubscriber subscriber) {
        if (closed) {
            return Follow.ENDED;
        }
        if (pending.lastSeq() > afterSeq) {
            return Follow.BEHIND;
        }
        subscribers.add(subscriber);
        return Follow.LIVE;
    }

    /** Lock-free on purpose: called from connection close paths that hold their own locks. */
    public void unsubscribe(OutputSubscriber subscriber) {
        subscribers.remove(subscriber);
    }

    /**
     * The highest seq in the store, and the lines after {@code afterSeq} not in it yet (at most a
     * page): read the store up to that seq, then these, and every line comes exactly once.
     */
    public synchronized Snapshot snapshot(long afterSeq) {
        LogPage.Collector page = new LogPage.Collector(Long.MAX_VALUE);
        if (writing == null || writing.decode(afterSeq, page::add)) {
            pending.decode(afterSeq, page::add);
        }
        return new Snapshot(persistedUpTo, page.result().entries());
    }

    /** Ends the output: call after the last line was persisted and the final status stored. */
    public synchronized void close(JobInfo finalInfo) {
        closed = true;
        for (OutputSubscriber s : subscribers) {
            s.onFinished(finalInfo);
        }
        subscribers.clear();
    }

    /** The innermost cause's message: the driver's words, without the statement and its data. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    static String size(long bytes) {
        return bytes % OutputPolicy.MIB == 0 ? bytes / OutputPolicy.MIB + " MiB" : bytes + " bytes";
    }

    public record Snapshot(long persistedUpTo, List<LogEntry> unpersisted) {}
}
