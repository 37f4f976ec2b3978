package dev.mags.cli.command;

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
        subcommands = {
            LoginCommand.class,
            LogoutCommand.class,
            WhoamiCommand.class,
            RunCommand.class,
            StatusCommand.class,
            LogsCommand.class,
            ListCommand.class,
            StopCommand.class,
            SyncCommand.class,
            ResizeCommand.class,
            WorkspaceCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nConfiguration:%n",
        footer = {
            "  MAGS_API_URL    the server; else the URL saved by 'mags login',",
            "                  else http://127.0.0.1:8080",
            "  MAGS_API_TOKEN  the API token; else the one saved by 'mags login'",
            "                  in ~/.mags/config.json"
        })
public final class MagsCommand implements Callable<Integer> {

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
