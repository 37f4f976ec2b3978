package dev.mags.cli.command;

import dev.mags.api.JobInfo;
import dev.mags.cli.output.JsonOutput;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mags set NAME|ID [--no-sleep|--sleep] [--startup-command CMD]}: changes a persistent sandbox's settings
 * ({@code PATCH /mags-jobs/{id}}).
 */
@Command(name = "set", description = "Change a persistent sandbox's settings: always on or not, its startup command.")
public final class SetCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JobIdParameter job;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true)
    Sleep sleep;

    static final class Sleep {
        @Option(names = "--no-sleep", required = true, description = "Never put the sandbox to sleep (always on).")
        boolean never;

        @Option(names = "--sleep", required = true, description = "Let the sandbox sleep when idle again.")
        boolean allowed;
    }

    @Option(names = "--startup-command", paramLabel = "CMD",
            description = "Command started in the background whenever the sandbox starts again; \"\" removes it.")
    String startupCommand;

    public SetCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (sleep == null && startupCommand == null) {
            throw new ParameterException(spec.commandLine(), "nothing to change: give --no-sleep, --sleep or --startup-command");
        }
        Boolean noSleep = sleep == null ? null : sleep.never;
        JobInfo info;
        try (Mags mags = ctx.openClient()) {
            info = mags.updateJob(job.id(), noSleep, startupCommand);
        }
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), info);
            return 0;
        }
        String who = info.workspaceId() != null ? info.workspaceId() : info.requestId();
        ctx.out().println(who + ": " + (Boolean.TRUE.equals(info.noSleep()) ? "always on (never sleeps)" : "sleeps when idle")
                + "; startup command: " + (info.startupCommand() == null ? "none" : info.startupCommand()));
        return 0;
    }
}
