package dev.mags.bench;

import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.sdk.Mags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sandboxes that stay, made as {@code mags new NAME} makes them (a persistent job on workspace NAME whose script
 * and startup command are {@code sleep infinity}, its workspace on the server's disk only). {@link #close()} stops
 * every one and deletes its workspace, so that the bench leaves nothing on the server it measured.
 */
final class LiveSandboxes implements AutoCloseable {
    static final String KEEP_RUNNING = "sleep infinity";
    private static final Duration START = Duration.ofMinutes(2);
    private static final Duration STOP = Duration.ofMinutes(1);

    private final Mags mags;
    private final AtomicInteger errors;
    private final List<String> names = new ArrayList<>();

    LiveSandboxes(Mags mags, AtomicInteger errors) {
        this.mags = mags;
        this.errors = errors;
    }

    /** Asks for sandbox {@code name} without waiting for it to run (see {@link #awaitRunning()}). */
    void create(String name) {
        mags.run(JobRequest.builder(KEEP_RUNNING).name(name).workspaceId(name).persistent(Boolean.TRUE)
                .startupCommand(KEEP_RUNNING).noSync(Boolean.TRUE).build());
        names.add(name);
    }

    /** Waits until every sandbox asked for runs; one that ended instead counts as an error. */
    void awaitRunning() {
        long deadline = System.nanoTime() + START.toNanos();
        for (String name : names) {
            JobStatus status = awaitNot(name, JobStatus.PENDING, deadline);
            if (status != JobStatus.RUNNING) {
                Bench.error(errors, "sandbox " + name + " is " + status.wireName() + ", not running: "
                        + mags.status(name).errorMessage());
            }
        }
    }

    /** Polls until {@code name}'s job is no longer {@code from} or {@code deadline} (nanoTime) passed. */
    JobStatus awaitNot(String name, JobStatus from, long deadline) {
        JobStatus status = mags.status(name).status();
        while (status == from && System.nanoTime() < deadline) {
            Bench.sleep(20);
            status = mags.status(name).status();
        }
        return status;
    }

    @Override
    public void close() {
        for (String name : names) {
            mags.stop(name);
        }
        long deadline = System.nanoTime() + STOP.toNanos();
        for (String name : names) {
            while (!mags.status(name).status().isFinal() && System.nanoTime() < deadline) {
                Bench.sleep(50);
            }
            mags.deleteWorkspace(name);
        }
    }
}
