package dev.mags.cli.command;

import dev.mags.api.JobInfo;
import dev.mags.cli.output.JsonOutput;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mags stop ID|WORKSPACE}: asks the server to stop a job; a finished job is left as it is. Given a
 * workspace's name (or a persistent job), it also ends the workspace's sandbox after a final sync.
 */
@Command(name = "stop", description = "Stop a running job, or end a workspace's sandbox (persistent: after a final sync).")
public final class StopCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JobIdParameter job;

    @Mixin
    JsonOption json;

    public StopCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        JobInfo info;
        try (Mags mags = ctx.openClient()) {
            info = mags.stop(job.id());
        }
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), info);
        } else if (info.status() != null && info.status().isFinal()) {
            ctx.out().println("Job " + info.requestId() + " is " + info.status().wireName() + ".");
        } else {
            ctx.out().println("Stopping job " + info.requestId() + " (status: "
                    + (info.status() == null ? "unknown" : info.status().wireName()) + ").");
        }
        return 0;
    }
}
