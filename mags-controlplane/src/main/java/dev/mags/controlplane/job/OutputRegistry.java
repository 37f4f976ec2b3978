package dev.mags.controlplane.job;

import dev.mags.controlplane.state.LogStore;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The outputs of jobs that have not ended, and the background writer that persists them. */
public final class OutputRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputRegistry.class);
    private final ConcurrentHashMap<String, JobOutput> live = new ConcurrentHashMap<>();
    private final LogStore store;
    private final long maxBytesPerJob;
    private final ScheduledExecutorService flusher;

    public OutputRegistry(LogStore store, long maxBytesPerJob, long flushIntervalMillis) {
        this.store = store;
        this.maxBytesPerJob = maxBytesPerJob;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mags-log-writer");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushAll, flushIntervalMillis, flushIntervalMillis,
                TimeUnit.MILLISECONDS);
    }

    public JobOutput open(String jobId) {
        return live.computeIfAbsent(jobId, id -> new JobOutput(id, store.maxSeq(id), maxBytesPerJob));
    }

    public Optional<JobOutput> find(String jobId) {
        return Optional.ofNullable(live.get(jobId));
    }

    /** Forgets a job's output; call after {@link JobOutput#close}. */
    public void remove(String jobId) {
        live.remove(jobId);
    }

    private void flushAll() {
        for (JobOutput out : live.values()) {
            try {
                out.persist(store);
            } catch (RuntimeException e) {
                // Lines stay in memory and are retried on the next round.
                LOG.warn("could not persist output of job {}: {}", out.jobId(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        flushAll();
    }
}
