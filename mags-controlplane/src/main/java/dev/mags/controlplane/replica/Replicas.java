package dev.mags.controlplane.replica;

import dev.mags.controlplane.job.JobService;
import dev.mags.controlplane.state.ReplicaStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This control-plane replica among the others: a heartbeat in the state store every {@link #BEAT}, and, while it
 * leads, the takeover of the jobs of replicas silent for longer than {@code lostAfter} (a replica killed or cut off
 * leaves its running jobs to be settled and its queued ones to be run).
 */
public final class Replicas implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replicas.class);
    public static final Duration BEAT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_LOST_AFTER = Duration.ofSeconds(15);
    private final String id;
    private final Instant startedAt;
    private final ReplicaStore store;
    private final JobService jobs;
    private final BooleanSupplier leads;
    private final Clock clock;
    private final Duration lostAfter;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("replica-heartbeat").daemon().factory());

    public Replicas(String id, ReplicaStore store, JobService jobs, BooleanSupplier leads, Clock clock,
                    Duration lostAfter) {
        this.id = id;
        this.store = store;
        this.jobs = jobs;
        this.leads = leads;
        this.clock = clock;
        this.lostAfter = lostAfter;
        this.startedAt = clock.instant();
    }

    public Replicas start() {
        beat();
        timer.scheduleWithFixedDelay(this::round, BEAT.toMillis(), BEAT.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public String id() {
        return id;
    }

    private void round() {
        try {
            beat();
            if (leads.getAsBoolean()) {
                takeOverSilent();
            }
        } catch (RuntimeException e) {
            LOG.warn("replica heartbeat failed; trying again in {} s: {}", BEAT.toSeconds(), e.toString());
        }
    }

    private void beat() {
        store.beat(id, startedAt, clock.instant());
    }

    /** Takes over the jobs of every replica silent for longer than {@code lostAfter}; returns how many replicas. */
    int takeOverSilent() {
        int replicas = 0;
        for (String silent : store.silentSince(clock.instant().minus(lostAfter))) {
            if (silent.equals(id)) {
                continue;
            }
            int taken = jobs.adoptJobsOf(silent);
            store.forget(silent);
            LOG.warn("control plane replica {} has been silent for over {} s: took over its {} unfinished jobs", silent,
                    lostAfter.toSeconds(), taken);
            replicas++;
        }
        return replicas;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        // Its row stays: the leader takes over what this replica leaves unfinished once the row is old enough.
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
