package dev.mags.controlplane.exec;

import dev.mags.protocol.v2.Exec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A terminal's hang-up done to an exec: SIGHUP, then SIGKILL for a process that ignores it. */
final class HangUp {
    private static final int SIGHUP = 1;
    private static final int SIGKILL = 9;

    private HangUp() {}

    static void now(Exec exec, Duration grace) {
        if (exec.exit().isDone()) {
            return;
        }
        exec.signal(SIGHUP);
        CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!exec.exit().isDone()) {
                exec.signal(SIGKILL);
            }
        });
    }
}
