package dev.mags.cli.command;

import dev.mags.api.JobInfo;
import dev.mags.api.JobPage;
import dev.mags.cli.output.JsonOutput;
import dev.mags.cli.output.Table;
import dev.mags.cli.output.Text;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mags list}: recent jobs, newest first. */
@Command(name = "list", description = "List recent jobs, newest first.")
public final class ListCommand implements Callable<Integer> {
    static final int SCRIPT_WIDTH = 40;

    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Option(names = "--page", paramLabel = "N", defaultValue = "1", description = "Page to show, from 1 (default: ${DEFAULT-VALUE}).")
    int page;

    @Option(names = "--page-size", paramLabel = "N", defaultValue = "20", description = "Jobs per page (default: ${DEFAULT-VALUE}).")
    int pageSize;

    public ListCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (page < 1 || pageSize < 1) {
            throw new ParameterException(spec.commandLine(), "--page and --page-size must be at least 1");
        }
        JobPage result;
        try (Mags mags = ctx.openClient()) {
            result = mags.list(page, pageSize);
        }
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), result);
            return 0;
        }
        Table table = new Table("ID", "STATUS", "EXIT", "CREATED", "NAME", "SCRIPT");
        for (JobInfo job : result.jobs()) {
            table.add(job.requestId(), job.status() == null ? Text.NONE : job.status().wireName(),
                    Text.orNone(job.exitCode()), Text.time(job.createdAt(), ctx.zone()),
                    Text.orNone(job.name()), Text.oneLine(job.script(), SCRIPT_WIDTH));
        }
        table.print(ctx.out());
        long shown = (long) (page - 1) * pageSize + result.jobs().size();
        if (shown < result.total()) {
            ctx.err().println("(" + shown + " of " + result.total() + " jobs; next: mags list --page " + (page + 1) + ")");
        }
        return 0;
    }
}
