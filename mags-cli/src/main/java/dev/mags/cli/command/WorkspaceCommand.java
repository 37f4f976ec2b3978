package dev.mags.cli.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mags workspace}: the group of workspace commands; without a subcommand it shows the usage. */
@Command(name = "workspace", description = "List and delete workspaces (mags run -w NAME).",
        subcommands = {WorkspaceListCommand.class, WorkspaceDeleteCommand.class})
public final class WorkspaceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }
}
