package dev.mags.cli.command;

import dev.mags.api.CronJobInfo;
import dev.mags.api.CronJobRequest;
import dev.mags.cli.output.Text;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mags cron disable}: Turn a cron job off: no further runs (a run in progress goes on). */
@Command(name = "disable", description = "Turn a cron job off: no further runs (a run in progress goes on).")
public final class CronDisableCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "ID|NAME", description = "The cron job's id or name.")
    String target;

    public CronDisableCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        CronJobInfo updated;
        try (Mags mags = ctx.openClient()) {
            updated = mags.cronUpdate(CronTarget.find(mags, target).id(), CronJobRequest.enabled(false));
        }
        ctx.out().println("Disabled cron job " + updated.name() + " (id " + updated.id() + ")"
                + (updated.nextRunAt() == null ? "." : "; next run at " + Text.time(updated.nextRunAt(), ctx.zone()) + "."));
        return 0;
    }
}
