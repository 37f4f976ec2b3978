package dev.mags.bench;

import dev.mags.api.JobStatus;
import dev.mags.sdk.Mags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code wake_ms}: from a sleeping sandbox to the first output of an exec in it, as the client sees it. The API
 * has no "sleep now": magsd runs with a short {@code --sleep-after} ({@link #SLEEP_AFTER_SECONDS}), and each
 * sample first waits for the sandbox's job to be {@code sleeping} (its processes ended, its disk kept), then
 * times a streamed exec of {@code echo x} until its output arrives: the wake (a new container on the same disk,
 * its startup command started) and the command.
 */
final class WakeLatency {
    static final int SLEEP_AFTER_SECONDS = 1;
    private static final Duration FALL_ASLEEP = Duration.ofSeconds(60);

    private WakeLatency() {}

    /** {@code magsd} must run with {@code --sleep-after} {@link #SLEEP_AFTER_SECONDS}. */
    static List<Double> measure(Magsd magsd, int n, AtomicInteger errors) {
        List<Double> ms = new ArrayList<>();
        try (Mags mags = Bench.client(magsd); LiveSandboxes live = new LiveSandboxes(mags, errors)) {
            String name = "wake";
            live.create(name);
            live.awaitRunning();
            for (int i = 0; i < n; i++) {
                JobStatus status = live.awaitNot(name, JobStatus.RUNNING, System.nanoTime() + FALL_ASLEEP.toNanos());
                if (status != JobStatus.SLEEPING) {
                    Bench.error(errors, "sandbox " + name + " is " + status.wireName() + " after waiting for it to"
                            + " sleep, not sleeping");
                    break;
                }
                ms.add(Bench.timedExec(mags, name, errors).firstOutputMs());
            }
        }
        return ms;
    }
}
