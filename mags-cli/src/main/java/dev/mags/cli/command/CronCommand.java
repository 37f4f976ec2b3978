package dev.mags.cli.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mags cron}: the group of cron commands; without a subcommand it shows the usage. */
@Command(name = "cron", description = {"Run scripts on a schedule: each run is a job named after the cron job "
        + "(see mags list, mags logs).",
        "Schedules have 5 fields, minute hour day-of-month month day-of-week, in UTC unless --timezone: '0 0 * * *' is every day "
                + "at midnight, '*/5 * * * *' every five minutes."},
        subcommands = {CronAddCommand.class, CronListCommand.class, CronEnableCommand.class, CronDisableCommand.class,
                CronRemoveCommand.class})
public final class CronCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }
}
