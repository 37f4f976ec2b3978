package dev.mags.cli;

import dev.mags.cli.command.CliContext;
import dev.mags.cli.command.MagsCommand;
import dev.mags.cli.config.CliEnvironment;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import picocli.CommandLine;

/**
 * Entry point of the {@code mags} CLI and its composition root: the only place that reads the
 * process environment, standard streams and console.
 */
public final class MagsMain {
    private MagsMain() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8));
        CliContext ctx = new CliContext(
                CliEnvironment.from(System.getenv(), System.getProperty("user.home")),
                out,
                err,
                new ConsolePrompt(System.console(), System.in, err),
                new ShutdownHookInterrupts(),
                ZoneId.systemDefault());
        System.exit(run(args, ctx));
    }

    /** Runs one command line and returns its exit code; what {@code main} and the tests call. */
    public static int run(String[] args, CliContext ctx) {
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
