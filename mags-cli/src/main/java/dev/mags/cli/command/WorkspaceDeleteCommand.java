package dev.mags.cli.command;

import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mags workspace delete NAME}: removes a workspace and its data. */
@Command(name = "delete", description = "Delete a workspace and everything in it.")
public final class WorkspaceDeleteCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "NAME", description = "The workspace's name.")
    String name;

    public WorkspaceDeleteCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        try (Mags mags = ctx.openClient()) {
            mags.deleteWorkspace(name);
        }
        ctx.out().println("Deleted workspace " + name + ".");
        return 0;
    }
}
