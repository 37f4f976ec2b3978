package dev.mags.dist;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code magsd}: the server and its operator commands. Without a command it serves. */
@Command(name = "magsd", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "The mags server: runs scripts in sandboxes on this host.",
        subcommands = {ServeCommand.class, ControlPlaneCommand.class, AgentCommand.class, S3Command.class, ImageCommand.class, TokenCommand.class,
            DbCommand.class})
public final class MagsdMain {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        CommandLine cli = new CommandLine(new MagsdMain())
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println("magsd: " + messageOf(ex));
                    if (System.getenv("MAGS_DEBUG") != null) {
                        ex.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
        return cli.execute(withDefaultCommand(args));
    }

    /** {@code magsd} and {@code magsd --listen X} mean {@code magsd serve ...}. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help") || args[0].equals("-V")
                || args[0].equals("--version") || !args[0].startsWith("-"))) {
            return args;
        }
        List<String> all = new ArrayList<>(List.of("serve"));
        all.addAll(Arrays.asList(args));
        return all.toArray(String[]::new);
    }

    static String messageOf(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
