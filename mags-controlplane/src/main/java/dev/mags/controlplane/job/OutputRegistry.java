package dev.mags.controlplane.job;

import dev.mags.api.LogEntry;
import dev.mags.controlplane.state.LogPage;
import dev.mags.controlplane.state.LogStore;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The outputs of jobs that have not ended, the background writer that stores what they buffer, and
 * reading a job's output whether it is live or ended.
 */
public final class OutputRegistry implements AutoCloseable {
    private final ConcurrentHashMap<String, JobOutput> live = new ConcurrentHashMap<>();
    private final LogStore store;
    private final long maxBytesPerJob;
    private final long bufferBytes;
    private final ScheduledExecutorService flusher;

    public OutputRegistry(LogStore store, long maxBytesPerJob, long flushIntervalMillis) {
        this(store, maxBytesPerJob, LogStore.ROW_BYTES, flushIntervalMillis);
    }

    /** {@code bufferBytes}: a job's buffered output is stored by its writer at once past this size. */
    OutputRegistry(LogStore store, long maxBytesPerJob, long bufferBytes, long flushIntervalMillis) {
        this.store = store;
        this.maxBytesPerJob = maxBytesPerJob;
        this.bufferBytes = bufferBytes;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mags-log-writer");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushAll, flushIntervalMillis, flushIntervalMillis,
                TimeUnit.MILLISECONDS);
    }

    public JobOutput open(String jobId) {
        return live.computeIfAbsent(jobId, id -> new JobOutput(id, store, store.tail(id), maxBytesPerJob, bufferBytes));
    }

    public Optional<JobOutput> find(String jobId) {
        return Optional.ofNullable(live.get(jobId));
    }

    /** Forgets a job's output; call after {@link JobOutput#close}. */
    public void remove(String jobId) {
        live.remove(jobId);
    }

    /**
     * The next page of a job's lines after {@code afterSeq}: stored lines, then for a live job the
     * lines it has not stored yet, each exactly once and in order.
     */
    public LogPage page(String jobId, long afterSeq) {
        JobOutput out = live.get(jobId);
        if (out == null) {
            return store.read(jobId, afterSeq, Long.MAX_VALUE);
        }
        JobOutput.Snapshot snap = out.snapshot(afterSeq);
        LogPage stored = store.read(jobId, afterSeq, snap.persistedUpTo());
        if (stored.full() || snap.unpersisted().isEmpty()) {
            return stored;
        }
        LogPage.Collector page = new LogPage.Collector(Long.MAX_VALUE);
        stored.entries().forEach(page::add);
        for (LogEntry e : snap.unpersisted()) {
            if (!page.add(e)) {
                break;
            }
        }
        return page.result();
    }

    /**
     * Subscribes to a live job's lines after {@code afterSeq} (see {@link JobOutput#follow}); a job
     * that is not live has ended, or has not started and has no lines to wait for.
     */
    public JobOutput.Follow follow(String jobId, long afterSeq, OutputSubscriber subscriber) {
        JobOutput out = live.get(jobId);
        return out == null ? JobOutput.Follow.ENDED : out.follow(afterSeq, subscriber);
    }

    public void unsubscribe(String jobId, OutputSubscriber subscriber) {
        JobOutput out = live.get(jobId);
        if (out != null) {
            out.unsubscribe(subscriber);
        }
    }

    private void flushAll() {
        for (JobOutput out : live.values()) {
            out.flushUnlessBusy();
        }
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        for (JobOutput out : live.values()) {
            out.flush();
        }
    }
}
