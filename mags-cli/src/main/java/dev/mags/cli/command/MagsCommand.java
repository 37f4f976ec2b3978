package dev.mags.cli.command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code mags}: the top-level command; without a subcommand it shows the usage. */
@Command(
        name = "mags",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Run scripts in isolated sandboxes on a mags server.",
        footerHeading = "%nConfiguration:%n",
        footer = {
            "  MAGS_API_URL    the server; else the URL saved by 'mags login',",
            "                  else http://127.0.0.1:8080",
            "  MAGS_API_TOKEN  the API token; else the one saved by 'mags login'",
            "                  in ~/.mags/config.json"
        })
public final class MagsCommand implements Callable<Integer> {
    /**
     * The subcommands by name, in the order of the usage. Registered by the entry point rather than in
     * the annotation, so that a command line naming one builds only that one's model (picocli reflects
     * over every registered command up front: most of the CLI's start-up otherwise).
     */
    public static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> all = new LinkedHashMap<>();
        all.put("login", LoginCommand.class);
        all.put("logout", LogoutCommand.class);
        all.put("whoami", WhoamiCommand.class);
        all.put("new", NewCommand.class);
        all.put("run", RunCommand.class);
        all.put("status", StatusCommand.class);
        all.put("logs", LogsCommand.class);
        all.put("list", ListCommand.class);
        all.put("url", UrlCommand.class);
        all.put("stop", StopCommand.class);
        all.put("set", SetCommand.class);
        all.put("sync", SyncCommand.class);
        all.put("resize", ResizeCommand.class);
        all.put("workspace", WorkspaceCommand.class);
        all.put("exec", ExecCommand.class);
        all.put("cron", CronCommand.class);
        all.put("usage", UsageCommand.class);
        all.put("ssh", SshCommand.class);
        all.put("setup-claude", SetupClaudeCommand.class);
        all.put("mcp", dev.mags.cli.mcp.McpCommand.class);
        all.put("help", CommandLine.HelpCommand.class);
        return java.util.Collections.unmodifiableMap(all);
    }

    /**
     * The subcommands {@code args} needs: the one named by the first argument that is not an option,
     * or all of them (usage, help, a misspelt name that picocli then suggests a fix for).
     */
    public static Map<String, Class<?>> neededBy(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                Class<?> named = arg.equals("help") ? null : SUBCOMMANDS.get(arg);
                return named == null ? SUBCOMMANDS : Map.of(arg, named);
            }
        }
        return SUBCOMMANDS;
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }
}
