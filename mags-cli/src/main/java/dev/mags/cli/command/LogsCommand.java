package dev.mags.cli.command;

import dev.mags.api.JobLogs;
import dev.mags.api.LogEntry;
import dev.mags.cli.output.LogPrinter;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mags logs ID}: a job's output, split onto stdout and stderr as the script wrote it. */
@Command(name = "logs", description = {
    "Print a job's output: its stdout lines to stdout, its stderr lines to stderr.",
    "With -f, keep printing new lines until the job ends (Ctrl-C stops following, not the job)."})
public final class LogsCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JobIdParameter job;

    @Option(names = {"-f", "--follow"}, description = "Follow the output until the job ends.")
    boolean follow;

    public LogsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        LogPrinter printer = new LogPrinter(ctx.out(), ctx.err());
        try (Mags mags = ctx.openClient()) {
            if (follow) {
                mags.follow(job.id(), 0, printer);
            } else {
                printStored(mags, printer);
            }
        }
        return 0;
    }

    /** Fetches pages until the server has no more lines (it may cap how many one answer holds). */
    private void printStored(Mags mags, LogPrinter printer) {
        long after = 0;
        while (true) {
            JobLogs page = mags.logs(job.id(), after);
            long before = after;
            for (LogEntry entry : page.logs() == null ? java.util.List.<LogEntry>of() : page.logs()) {
                if (entry.seq() > after) {
                    printer.accept(entry);
                    after = entry.seq();
                }
            }
            if (after == before) {
                return;
            }
        }
    }
}
