package dev.mags.cli.command;

import dev.mags.api.CronJobInfo;
import dev.mags.api.CronJobRequest;
import dev.mags.cli.output.Text;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mags cron enable}: Turn a cron job on again; its next run is the next time of its schedule from now. */
@Command(name = "enable", description = "Turn a cron job on again; its next run is the next time of its schedule from now.")
public final class CronEnableCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "ID|NAME", description = "The cron job's id or name.")
    String target;

    public CronEnableCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        CronJobInfo updated;
        try (Mags mags = ctx.openClient()) {
            updated = mags.cronUpdate(CronTarget.find(mags, target).id(), CronJobRequest.enabled(true));
        }
        ctx.out().println("Enabled cron job " + updated.name() + " (id " + updated.id() + ")"
                + (updated.nextRunAt() == null ? "." : "; next run at " + Text.time(updated.nextRunAt(), ctx.zone()) + "."));
        return 0;
    }
}
