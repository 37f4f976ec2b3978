package dev.mags.cli;

import dev.mags.cli.command.CliContext;
import dev.mags.cli.command.MagsCommand;
import picocli.CommandLine;

/**
 * Every command line the direct path does not take: parsed and run by picocli. A class of its own
 * so that the direct path never loads picocli.
 */
final class PicocliRunner {
    private PicocliRunner() {}

    static int run(String[] args, CliContext ctx) {
        CommandFactory factory = new CommandFactory(ctx);
        CommandLine cli = new CommandLine(MagsCommand.class, factory);
        MagsCommand.neededBy(args).forEach((name, type) -> cli.addSubcommand(name, new CommandLine(type, factory)));
        cli.setOut(ctx.out())
                .setErr(ctx.err())
                .setExecutionExceptionHandler(new ErrorHandler())
                .setParameterExceptionHandler(new UsageErrorHandler());
        try {
            return cli.execute(args);
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }
}
