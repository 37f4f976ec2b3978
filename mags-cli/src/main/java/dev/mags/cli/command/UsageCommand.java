package dev.mags.cli.command;

import dev.mags.api.Usage;
import dev.mags.cli.output.JsonOutput;
import dev.mags.cli.output.Table;
import dev.mags.cli.output.Text;
import dev.mags.sdk.Mags;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mags usage [--days N]}: what the caller used, per day and in total. */
@Command(name = "usage", description = {"Show what you used over the last days (UTC), per day and in total.",
        "JOBS: jobs submitted. JOB TIME: time jobs ran. SANDBOX H: hours of the sandboxes that ended that day; "
                + "CPU S: the CPU seconds their processes used; GIB-H: their memory limit times their hours."})
public final class UsageCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JsonOption json;

    @Option(names = "--days", paramLabel = "N", defaultValue = "30",
            description = "Days to show, today included (1 to 366, default ${DEFAULT-VALUE}).")
    int days;

    public UsageCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (days < 1 || days > 366) {
            throw new CliException("--days must be between 1 and 366 (got " + days + ")", 2);
        }
        Usage u;
        try (Mags mags = ctx.openClient()) {
            u = mags.usage(days);
        }
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), u);
            return 0;
        }
        Table table = new Table("DATE", "JOBS", "JOB TIME", "SANDBOX H", "CPU S", "GIB-H");
        for (Usage.Day d : u.days()) {
            table.add(d.date().toString(), Long.toString(d.jobs()), seconds(d.vmSeconds()), number(d.sandboxHours()),
                    number(d.cpuSeconds()), number(d.memoryGibHours()));
        }
        table.add("total", Long.toString(u.totalJobs()), seconds(u.vmSeconds()), number(u.sandboxHours()),
                number(u.cpuSeconds()), number(u.memoryGibHours()));
        table.print(ctx.out());
        ctx.out().println("peak memory of one sandbox: " + Text.bytes(u.memoryPeakBytes()) + "; stored now: files "
                + Text.bytes(u.storage().filesBytes()) + ", workspaces " + Text.bytes(u.storage().workspacesBytes()));
        return 0;
    }

    private static String seconds(double s) {
        return s < 60 ? String.format(Locale.ROOT, "%.1fs", s) : s < 3600
                ? String.format(Locale.ROOT, "%.1fm", s / 60) : String.format(Locale.ROOT, "%.2fh", s / 3600);
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
