package dev.mags.cli.command;

import dev.mags.api.WorkspaceInfo;
import dev.mags.api.WorkspaceList;
import dev.mags.cli.output.JsonOutput;
import dev.mags.cli.output.Table;
import dev.mags.cli.output.Text;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mags workspace list}: the caller's workspaces. */
@Command(name = "list", description = "List your workspaces.")
public final class WorkspaceListCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JsonOption json;

    public WorkspaceListCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        WorkspaceList result;
        try (Mags mags = ctx.openClient()) {
            result = mags.listWorkspaces();
        }
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), result);
            return 0;
        }
        Table table = new Table("NAME", "MODE", "CREATED", "LAST USED");
        for (WorkspaceInfo w : result.workspaces()) {
            table.add(w.workspaceId(), w.persistent() ? "persistent" : "local", Text.time(w.createdAt(), ctx.zone()),
                    Text.time(w.lastUsedAt(), ctx.zone()));
        }
        table.print(ctx.out());
        return 0;
    }
}
