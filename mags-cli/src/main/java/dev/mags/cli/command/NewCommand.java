package dev.mags.cli.command;

import dev.mags.api.JobInfo;
import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.cli.output.JsonOutput;
import dev.mags.sdk.Mags;
import dev.mags.sdk.MagsApiException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mags new NAME [-p] [--base W] [--disk GB]}: creates a long-lived sandbox on workspace NAME, as the
 * reference CLI does (a persistent job whose script and startup command are {@code sleep infinity}; without
 * {@code -p} its workspace stays on the server's disk, {@code no_sync}), and returns once it runs.
 */
@Command(name = "new", description = "Create a sandbox that stays (workspace NAME) and return once it runs.",
        exitCodeOnExecutionException = JobOutcome.FAILED)
public final class NewCommand implements Callable<Integer> {
    static final String KEEP_RUNNING = "sleep infinity";
    private static final long POLL_MILLIS = 100;
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The sandbox's workspace (also its name).")
    String name;

    @Option(names = {"-p", "--persistent"}, description = "Sync the workspace to storage (else it stays on the server's disk).")
    boolean persistent;

    @Option(names = "--base", paramLabel = "WORKSPACE", description = "Start from this workspace, mounted read-only.")
    String base;

    @Option(names = "--disk", paramLabel = "GB", description = "Disk size in GB (server default 2).")
    Integer diskGb;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for it to run (default 60).")
    int timeoutSeconds = 60;

    public NewCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (diskGb != null && diskGb < 1) {
            throw new ParameterException(spec.commandLine(), "--disk must be at least 1 (GB), got " + diskGb);
        }
        try (Mags mags = ctx.openClient()) {
            Optional<JobInfo> live = liveSandbox(mags);
            if (live.isPresent()) {
                return report(live.get(), "already runs");
            }
            String id = mags.run(request()).requestId();
            long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
            JobInfo job = mags.status(id);
            while (job.status() == JobStatus.PENDING && System.nanoTime() < deadline) {
                Thread.sleep(POLL_MILLIS);
                job = mags.status(id);
            }
            if (job.status() == JobStatus.PENDING) {
                ctx.err().println("Sandbox '" + name + "' is not running after " + timeoutSeconds + " s (still pending); "
                        + "see mags status " + id);
                return JobOutcome.FAILED;
            }
            if (job.status().isFinal()) {
                ctx.err().println("Sandbox '" + name + "' could not start: "
                        + (job.errorMessage() == null ? job.status().wireName() : job.errorMessage()));
                return JobOutcome.FAILED;
            }
            return report(job, "created (" + (persistent ? "persistent: synced to storage" : "local disk only") + ")");
        }
    }

    JobRequest request() {
        return JobRequest.builder(KEEP_RUNNING)
                .name(name)
                .workspaceId(name)
                .persistent(Boolean.TRUE)
                .startupCommand(KEEP_RUNNING)
                .noSync(persistent ? null : Boolean.TRUE)
                .baseWorkspaceId(base)
                .diskGb(diskGb)
                .build();
    }

    /** The user's running or sleeping job on workspace NAME, if there is one: {@code new} does not make a second. */
    private Optional<JobInfo> liveSandbox(Mags mags) {
        try {
            JobInfo job = mags.status(name);
            boolean live = job.status() == JobStatus.RUNNING || job.status() == JobStatus.SLEEPING;
            return live && name.equals(job.workspaceId()) ? Optional.of(job) : Optional.empty();
        } catch (MagsApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private int report(JobInfo job, String what) {
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), job);
            return 0;
        }
        ctx.out().println("Sandbox '" + name + "' " + what + ".");
        ctx.out().println("  ID:    " + job.requestId());
        ctx.out().println("  Exec:  mags exec " + name + " 'COMMAND'");
        ctx.out().println("  SSH:   mags ssh " + name);
        ctx.out().println("  Stop:  mags stop " + name);
        return 0;
    }
}
