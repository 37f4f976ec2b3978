package dev.mags.agent.workspace;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.Supplier;

/**
 * Times every sync of a workspace to storage (periodic, final, on request, at rest) into
 * {@code mags_workspace_sync_seconds{result="ok"|"failed"}}: the count of the failed ones is the failures.
 */
public final class SyncMeters {
    private final Timer ok;
    private final Timer failed;

    public SyncMeters(MeterRegistry meters) {
        this.ok = timer(meters, "ok");
        this.failed = timer(meters, "failed");
    }

    /** Meters nobody reads, for an agent whose process serves no metrics (tests). */
    public static SyncMeters unread() {
        return new SyncMeters(new SimpleMeterRegistry());
    }

    private static Timer timer(MeterRegistry meters, String result) {
        return Timer.builder("mags.workspace.sync").tag("result", result)
                .description("syncs of workspaces to storage, by result (failed: storage refused or broke)")
                .register(meters);
    }

    <T> T time(Supplier<T> sync) {
        long start = System.nanoTime();
        boolean done = false;
        try {
            T result = sync.get();
            done = true;
            return result;
        } finally {
            (done ? ok : failed).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
