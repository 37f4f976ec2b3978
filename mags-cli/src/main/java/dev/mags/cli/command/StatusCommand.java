package dev.mags.cli.command;

import dev.mags.api.JobInfo;
import dev.mags.cli.output.JsonOutput;
import dev.mags.cli.output.Text;
import dev.mags.sdk.Mags;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mags status ID}: one job's state. */
@Command(name = "status", description = "Show a job's status.")
public final class StatusCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JobIdParameter job;

    @Mixin
    JsonOption json;

    public StatusCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        JobInfo info;
        try (Mags mags = ctx.openClient()) {
            info = mags.status(job.id());
        }
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), info);
        } else {
            print(info, ctx.out());
        }
        return 0;
    }

    private void print(JobInfo info, PrintWriter out) {
        line(out, "ID", info.requestId());
        line(out, "Name", Text.orNone(info.name()));
        line(out, "Status", info.status() == null ? Text.NONE : info.status().wireName());
        line(out, "Exit code", Text.orNone(info.exitCode()));
        if (info.errorMessage() != null) {
            line(out, "Error", info.errorMessage());
        }
        line(out, "Image", Text.orNone(info.image()));
        line(out, "Created", Text.time(info.createdAt(), ctx.zone()));
        line(out, "Started", Text.time(info.startedAt(), ctx.zone()));
        line(out, "Finished", Text.time(info.finishedAt(), ctx.zone()));
        line(out, "Duration", Text.duration(info.startedAt(), info.finishedAt()));
        line(out, "Script", Text.oneLine(info.script(), 200));
    }

    private static void line(PrintWriter out, String label, String value) {
        out.printf("%-10s %s%n", label + ":", value);
    }
}
