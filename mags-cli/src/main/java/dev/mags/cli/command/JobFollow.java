package dev.mags.cli.command;

import dev.mags.api.JobInfo;
import dev.mags.api.LogEntry;
import dev.mags.cli.output.LogPrinter;
import dev.mags.sdk.MagsException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The second half of {@code mags run}, whichever way the job was submitted: prints the job's output
 * as it comes, asks the server to stop the job on Ctrl-C, and returns the exit code for how the job
 * ended ({@link JobOutcome}).
 */
public final class JobFollow {
    /** Delivers a job's lines from the first and returns the job once it reached a final status. */
    public interface Source {
        JobInfo follow(String id, Consumer<LogEntry> onLine);
    }

    /** Asks the server to stop a job. */
    public interface Stopper {
        void stop(String id);
    }

    private JobFollow() {}

    public static int run(CliContext ctx, String id, Source source, Stopper stopper) {
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch stopRequested = new CountDownLatch(1);
        Runnable stopJob = () -> {
            interrupted.set(true);
            try {
                ctx.err().println("mags: stopping job " + id);
                ctx.err().flush();
                stopper.stop(id);
            } catch (MagsException e) {
                ctx.err().println("mags: could not stop job " + id + ": " + e.getMessage());
            } finally {
                ctx.err().flush();
                stopRequested.countDown();
            }
        };
        JobInfo end = null;
        InterruptHooks.Registration registration = ctx.interrupts().onInterrupt(stopJob);
        try {
            end = source.follow(id, new LogPrinter(ctx.out(), ctx.err()));
        } catch (MagsException e) {
            if (!interrupted.get()) {
                throw e;
            }
        } finally {
            registration.close();
        }
        if (interrupted.get()) {
            awaitQuietly(stopRequested);
            return JobOutcome.INTERRUPTED;
        }
        return JobOutcome.exitCode(end, ctx.err());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
