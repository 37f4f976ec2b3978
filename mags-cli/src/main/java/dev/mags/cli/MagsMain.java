package dev.mags.cli;

import dev.mags.cli.command.CliContext;
import dev.mags.cli.config.CliEnvironment;
import dev.mags.cli.direct.DirectRun;
import dev.mags.cli.exec.ProcessTerminal;
import dev.mags.cli.exec.Stdio;
import java.io.FileInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.OptionalInt;

/**
 * Entry point of the {@code mags} CLI and its composition root: the only place that reads the
 * process environment, standard streams and console.
 */
public final class MagsMain {
    private MagsMain() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8));
        int code = run(args, processContext(CliEnvironment.from(System.getenv(), System.getProperty("user.home")), out, err));
        out.flush();
        err.flush();
        // Not System.exit: since JDK 21 it looks up a System.Logger to log the exit, which scans every jar
        // on the class path for a logger service (~20 ms, a quarter of a short `mags run`). Nothing is left
        // for shutdown hooks at this point: the commands have closed what they opened and removed the
        // Ctrl-C hook, and both writers are flushed.
        Runtime.getRuntime().halt(code);
    }

    /**
     * The context of the process: its console, Ctrl-C hook, standard streams and terminal. Also what the
     * ahead-of-time training builds ({@link AotTraining}), so that these classes and lambdas are in the cache
     * instead of being loaded from the jar at each start.
     */
    static CliContext processContext(CliEnvironment env, PrintWriter out, PrintWriter err) {
        return new CliContext(env, out, err, new ConsolePrompt(System::console, System.in, err),
                new ShutdownHookInterrupts(), ZoneId::systemDefault,
                new Stdio(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                        new FileOutputStream(FileDescriptor.err), new ProcessTerminal()));
    }

    /** Runs one command line and returns its exit code; what {@code main} and the tests call. */
    public static int run(String[] args, CliContext ctx) {
        OptionalInt direct = DirectRun.attempt(args, ctx);
        if (direct.isPresent()) {
            ctx.out().flush();
            ctx.err().flush();
            return direct.getAsInt();
        }
        return PicocliRunner.run(args, ctx);
    }
}
