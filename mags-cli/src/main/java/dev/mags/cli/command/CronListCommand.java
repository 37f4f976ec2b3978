package dev.mags.cli.command;

import dev.mags.api.CronJobInfo;
import dev.mags.api.CronJobList;
import dev.mags.cli.output.JsonOutput;
import dev.mags.cli.output.Table;
import dev.mags.cli.output.Text;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mags cron list}: the caller's cron jobs with their next and last runs. */
@Command(name = "list", description = {"List your cron jobs.",
        "LAST STATUS: the last run's job status; 'skipped' when the run before it was still going, 'failed' when "
                + "it could not start (--json shows why). LAST JOB: mags logs ID shows its output."})
public final class CronListCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JsonOption json;

    public CronListCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        CronJobList result;
        try (Mags mags = ctx.openClient()) {
            result = mags.cronList();
        }
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), result);
            return 0;
        }
        Table table = new Table("ID", "NAME", "SCHEDULE", "WORKSPACE", "ENABLED", "NEXT RUN", "LAST RUN", "LAST STATUS",
                "LAST JOB", "SCRIPT");
        for (CronJobInfo c : result.cronJobs()) {
            String schedule = c.cronExpression() + ("UTC".equals(c.timezone()) ? "" : " " + c.timezone());
            String workspace = c.workspaceId() == null ? null : c.workspaceId() + (c.persistent() ? " (persistent)" : "");
            table.add(c.id(), c.name(), schedule, Text.orNone(workspace), c.enabled() ? "yes" : "no",
                    Text.time(c.nextRunAt(), ctx.zone()), Text.time(c.lastRunAt(), ctx.zone()),
                    Text.orNone(c.lastStatus()), Text.orNone(c.lastRequestId()), Text.oneLine(c.script(), 40));
        }
        table.print(ctx.out());
        return 0;
    }
}
