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
@Command(name = "list", description = {"List your workspaces.",
        "SIZE: the files of the latest snapshot; AS BASE: its snapshots the server keeps restored for the "
                + "sandboxes and forks on them (--base)."})
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
        Table table = new Table("NAME", "MODE", "SIZE", "AS BASE", "LAST SYNC", "SNAPSHOTS", "SANDBOX", "LAST USED");
        for (WorkspaceInfo w : result.workspaces()) {
            String mode = w.persistent() ? "persistent" : "local";
            if (w.baseWorkspaceId() != null) {
                mode += " (from " + w.baseWorkspaceId() + ")";
            }
            Long asBase = w.baseCopyBytes() == null || w.baseCopyBytes() == 0 ? null : w.baseCopyBytes();
            table.add(w.workspaceId(), mode, Text.bytes(w.sizeBytes()), Text.bytes(asBase), Text.time(w.lastSyncAt(), ctx.zone()),
                    Text.orNone(w.snapshotCount()), w.live() ? "running" : Text.NONE, Text.time(w.lastUsedAt(), ctx.zone()));
        }
        table.print(ctx.out());
        return 0;
    }
}
