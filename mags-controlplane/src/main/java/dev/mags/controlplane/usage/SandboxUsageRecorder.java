package dev.mags.controlplane.usage;

import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.UsageStore;
import dev.mags.protocol.v2.Sandbox;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what every sandbox made for a job used, once it ends (however it ends: the script's end, a stop, a
 * sleep, a crash of its init). A sandbox still live when the server stops is not recorded.
 */
public final class SandboxUsageRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxUsageRecorder.class);
    private final UsageStore store;
    private final Clock clock;

    public SandboxUsageRecorder(UsageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Call right after the sandbox was made for {@code job}. */
    public void watch(JobRecord job, Sandbox sandbox) {
        Instant started = clock.instant();
        long limit = job.limits().memoryBytes();
        sandbox.ended().thenAccept(end -> {
            try {
                store.insert(new UsageStore.SandboxRow(job.userId(), job.id(), started, clock.instant(),
                        end.use().cpuMicros(), end.use().memoryPeakBytes(), limit));
            } catch (RuntimeException e) {
                LOG.warn("the usage of sandbox {} was not recorded: {}", sandbox.id(), e.toString());
            }
        });
    }
}
