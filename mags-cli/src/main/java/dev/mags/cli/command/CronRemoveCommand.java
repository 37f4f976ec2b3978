package dev.mags.cli.command;

import dev.mags.api.CronJobInfo;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mags cron remove}: deletes a cron job; the jobs it ran stay. */
@Command(name = "remove", description = "Delete a cron job. The jobs it ran stay (mags list, mags logs).")
public final class CronRemoveCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "ID|NAME", description = "The cron job's id or name.")
    String target;

    public CronRemoveCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        CronJobInfo cron;
        try (Mags mags = ctx.openClient()) {
            cron = CronTarget.find(mags, target);
            mags.cronDelete(cron.id());
        }
        ctx.out().println("Removed cron job " + cron.name() + " (id " + cron.id() + ").");
        return 0;
    }
}
