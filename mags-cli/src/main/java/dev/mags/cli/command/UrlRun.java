package dev.mags.cli.command;

import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.cli.output.LogPrinter;
import dev.mags.sdk.Mags;
import dev.mags.sdk.MagsApiException;
import dev.mags.sdk.MagsException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The second half of {@code mags run -p --url}: waits until the job's script has started, asks the server for
 * the URL of the sandbox's port and prints it as the one line of stdout ({@code URL=$(mags run ... --url ...)}),
 * then returns while the sandbox keeps serving, or, with {@code --follow}, prints the script's output until it
 * ends. A job that ends before it runs is reported as {@code mags run} reports it. Ctrl-C before the URL is printed
 * asks the server to stop the job, as {@code mags run} does; once the URL is printed it only stops following.
 */
final class UrlRun {
    /** The port of {@code --url} and {@code mags url} when none is given, as the reference has it. */
    static final int DEFAULT_PORT = 8080;
    private static final int SSH_PORT = 22;
    private static final long POLL_MILLIS = 100;

    private final CliContext ctx;
    private final Mags mags;
    private final String id;

    UrlRun(CliContext ctx, Mags mags, String id) {
        this.ctx = ctx;
        this.mags = mags;
        this.id = id;
    }

    /** Refuses a port that no URL can serve, as a usage error naming {@code what} (the option or parameter). */
    static void checkPort(CommandLine cmd, String what, int port) {
        if (port < 1 || port > 65535) {
            throw new ParameterException(cmd, what + " must be a port from 1 to 65535, got " + port);
        }
        if (port == SSH_PORT) {
            throw new ParameterException(cmd, "port 22 is reached over SSH, not a URL: use mags ssh NAME");
        }
    }

    int serve(int port, boolean follow) throws InterruptedException {
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch stopRequested = new CountDownLatch(1);
        JobInfo job;
        try (InterruptHooks.Registration registration = ctx.interrupts().onInterrupt(() -> stop(interrupted, stopRequested))) {
            job = awaitStart(interrupted);
        }
        if (interrupted.get()) {
            stopRequested.await(15, TimeUnit.SECONDS);
            return JobOutcome.INTERRUPTED;
        }
        if (job.status().isFinal()) {
            return endedBeforeRunning();
        }
        String sandbox = job.workspaceId() != null ? job.workspaceId() : id;
        ctx.out().println(url(port, sandbox));
        ctx.out().flush();
        if (job.exitCode() != null && job.exitCode() != 0) {
            ctx.err().println("mags: the script exited with code " + job.exitCode() + "; the URL answers once something"
                    + " listens on port " + port + " in the sandbox (mags logs " + sandbox + " shows the output)");
        }
        if (!follow) {
            ctx.err().println("mags: job " + id + " keeps serving port " + port + "; mags logs " + sandbox
                    + " shows its output, mags stop " + sandbox + " ends the sandbox");
            ctx.err().flush();
            return 0;
        }
        ctx.err().flush();
        JobInfo end = mags.follow(id, 0, new LogPrinter(ctx.out(), ctx.err()));
        return JobOutcome.exitCode(end, ctx.err());
    }

    /** Polls until the job leaves {@code pending}: its script has started (or the job has ended). */
    private JobInfo awaitStart(AtomicBoolean interrupted) throws InterruptedException {
        JobInfo job = mags.status(id);
        while (job.status() == JobStatus.PENDING && !interrupted.get()) {
            Thread.sleep(POLL_MILLIS);
            job = mags.status(id);
        }
        return job;
    }

    /** The job's output and exit status as {@code mags run} prints them; never 0, since no URL was printed. */
    private int endedBeforeRunning() {
        JobInfo end = mags.follow(id, 0, new LogPrinter(ctx.out(), ctx.err()));
        int code = JobOutcome.exitCode(end, ctx.err());
        if (code != 0) {
            return code;
        }
        ctx.err().println("mags: job " + id + " ended before its sandbox could serve a URL; see mags logs " + id);
        return JobOutcome.FAILED;
    }

    /** The URL of {@code port}; {@code sandbox} names the job's workspace (or the job) for {@code mags stop}. */
    private String url(int port, String sandbox) {
        try {
            return mags.url(id, port);
        } catch (MagsApiException e) {
            if (e.status() == 409) {
                throw e; // the job has ended: the server's message says how to start it again
            }
            throw new CliException(e.getMessage() + " (job " + id + " keeps running: mags stop " + sandbox + " ends it)",
                    JobOutcome.FAILED);
        }
    }

    private void stop(AtomicBoolean interrupted, CountDownLatch stopRequested) {
        interrupted.set(true);
        try {
            ctx.err().println("mags: stopping job " + id);
            ctx.err().flush();
            mags.stop(id);
        } catch (MagsException e) {
            ctx.err().println("mags: could not stop job " + id + ": " + e.getMessage());
        } finally {
            ctx.err().flush();
            stopRequested.countDown();
        }
    }
}
