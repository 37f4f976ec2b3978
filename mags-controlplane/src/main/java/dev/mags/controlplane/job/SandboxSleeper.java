package dev.mags.controlplane.job;

import dev.mags.controlplane.placement.LiveSandboxes;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.JobStore;
import dev.mags.protocol.v2.Sandbox;
import dev.mags.protocol.v2.WorkspaceKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts idle long-lived sandboxes to sleep: every persistent job whose script has ended, that is not
 * {@code no_sleep}, and whose sandbox no exec or SSH channel has used for {@code sleepAfter}
 * ({@link SandboxActivity}). Looks a few times per {@code sleepAfter} (at most every 30 s).
 */
public final class SandboxSleeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxSleeper.class);

    private final JobStore jobs;
    private final LiveSandboxes live;
    private final SandboxActivity activity;
    private final JobRunner runner;
    private final Clock clock;
    private final Duration sleepAfter;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("mags-sleeper").daemon().factory());

    public SandboxSleeper(JobStore jobs, LiveSandboxes live, SandboxActivity activity, JobRunner runner, Clock clock,
            Duration sleepAfter) {
        this.jobs = jobs;
        this.live = live;
        this.activity = activity;
        this.runner = runner;
        this.clock = clock;
        this.sleepAfter = sleepAfter;
    }

    public void start() {
        long period = Math.clamp(sleepAfter.toMillis() / 4, 500, 30_000);
        timer.scheduleWithFixedDelay(this::sleepIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /** One round: each idle sandbox is put to sleep, one after the other. */
    void sleepIdle() {
        try {
            Instant cutoff = clock.instant().minus(sleepAfter);
            for (JobRecord job : jobs.keptAndMaySleep()) {
                Optional<Sandbox> sandbox = live.forWorkspaceStartedHere(WorkspaceKey.of(JobSandboxes.workspaceKey(job)));
                if (sandbox.isEmpty() || !activity.claimIdle(sandbox.get().id(), cutoff)) {
                    continue;
                }
                if (runner.sleep(job.id())) {
                    LOG.info("job {}: its sandbox was idle for {} s and sleeps", job.id(), sleepAfter.toSeconds());
                } else {
                    activity.forget(sandbox.get().id()); // busy after all: awake for another period from now
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("putting idle sandboxes to sleep failed; trying again later", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
