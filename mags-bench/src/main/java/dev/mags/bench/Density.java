package dev.mags.bench;

import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.sdk.Mags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Host memory per idle sandbox beyond the workload's own: with {@code n} sandboxes running their workload
 * ({@code sleep}), what {@link HostMemory} counts for them, divided by n. For ephemeral jobs ({@code
 * idle_sandbox_host_mib}) and for sandboxes that stay ({@code idle_live_sandbox_host_mib}, {@link LiveSandboxes}).
 */
final class Density {
    private static final String WORKLOAD = "sleep 600";
    /** Time for the sandboxes' start-up (page faults, slirp's first allocations) to settle before measuring. */
    private static final long SETTLE_MS = 2000;

    private Density() {}

    /** {@code idle_sandbox_host_mib}: n ephemeral jobs running {@code sleep}, stopped again after. */
    static double mibPerSandbox(Magsd magsd, int n) {
        try (Mags mags = Bench.client(magsd)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(mags.run(JobRequest.inline(WORKLOAD)).requestId());
            }
            long deadline = System.nanoTime() + 120_000_000_000L;
            for (String id : ids) {
                while (mags.status(id).status() == JobStatus.PENDING && System.nanoTime() < deadline) {
                    Bench.sleep(50);
                }
            }
            double mib = settledMibEach(magsd, WORKLOAD, n);
            for (String id : ids) {
                mags.stop(id);
            }
            for (String id : ids) {
                while (!mags.status(id).status().isFinal() && System.nanoTime() < deadline + 60_000_000_000L) {
                    Bench.sleep(50);
                }
            }
            return mib;
        }
    }

    /** {@code idle_live_sandbox_host_mib}: n sandboxes made as {@code mags new} makes them, stopped again after. */
    static double mibPerLiveSandbox(Magsd magsd, int n, AtomicInteger errors) {
        try (Mags mags = Bench.client(magsd); LiveSandboxes live = new LiveSandboxes(mags, errors)) {
            for (int i = 0; i < n; i++) {
                live.create("idle-" + i);
            }
            live.awaitRunning();
            return settledMibEach(magsd, LiveSandboxes.KEEP_RUNNING, n);
        }
    }

    /**
     * MiB per sandbox of magsd's {@code n} running sandboxes, once they settled: their processes except those
     * whose command line is {@code workload}, and their cgroups' kernel memory. Every sandbox of magsd counts (its
     * warm pool's too, a small share beside many sandboxes).
     */
    static double settledMibEach(Magsd magsd, String workload, int n) {
        Bench.sleep(SETTLE_MS);
        return HostMemory.sandboxBytes(magsd, workload) / 1024.0 / 1024.0 / n;
    }
}
