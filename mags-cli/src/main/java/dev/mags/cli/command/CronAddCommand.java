package dev.mags.cli.command;

import dev.mags.api.CronJobInfo;
import dev.mags.api.CronJobRequest;
import dev.mags.cli.output.JsonOutput;
import dev.mags.cli.output.Text;
import dev.mags.sdk.Mags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mags cron add}: defines a cron job. */
@Command(name = "add", description = "Schedule a script; the server runs it at each time of the schedule.")
public final class CronAddCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JsonOption json;

    @Option(names = {"-n", "--name"}, required = true, paramLabel = "NAME",
            description = "The cron job's name (unique among yours); each run's job has it too.")
    String name;

    @Option(names = {"-s", "--schedule"}, required = true, paramLabel = "'M H DOM MON DOW'",
            description = "Cron expression of 5 fields, e.g. '0 */2 * * *' (every two hours).")
    String schedule;

    @Option(names = {"-w", "--workspace"}, paramLabel = "NAME",
            description = "Run in this workspace, so that runs see each other's files.")
    String workspace;

    @Option(names = {"-p", "--persistent"}, description = "Keep the workspace in storage (needs -w).")
    boolean persistent;

    @Option(names = "--timezone", paramLabel = "ZONE", description = "Time zone of the schedule (default UTC), e.g. Europe/Paris.")
    String timezone;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "Set an environment variable for each run (repeatable).")
    Map<String, String> environment = new LinkedHashMap<>();

    @Parameters(arity = "1..*", paramLabel = "SCRIPT",
            description = "The script, run with /bin/sh; several arguments are joined with spaces.")
    List<String> script;

    public CronAddCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        CronJobRequest request = new CronJobRequest(name, schedule, String.join(" ", script), workspace,
                environment.isEmpty() ? null : environment, persistent ? Boolean.TRUE : null, null, timezone);
        CronJobInfo created;
        try (Mags mags = ctx.openClient()) {
            created = mags.cronCreate(request);
        }
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), created);
            return 0;
        }
        ctx.out().println("Added cron job " + created.name() + " (id " + created.id() + "), schedule '"
                + created.cronExpression() + "' " + created.timezone() + "; next run at "
                + Text.time(created.nextRunAt(), ctx.zone()) + ".");
        return 0;
    }
}
