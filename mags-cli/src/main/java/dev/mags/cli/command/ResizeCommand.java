package dev.mags.cli.command;

import dev.mags.api.WorkspaceInfo;
import dev.mags.cli.output.JsonOutput;
import dev.mags.cli.output.Text;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mags resize NAME --disk GB}: grows a workspace's disk; its live sandbox ends first (after a final sync). */
@Command(name = "resize", description = "Grow a workspace's disk (its sandbox, if running, ends first after a sync).")
public final class ResizeCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "WORKSPACE", description = "The workspace's name.")
    String workspace;

    @Option(names = "--disk", required = true, paramLabel = "GB", description = "The new disk size in GB.")
    int diskGb;

    public ResizeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        WorkspaceInfo info;
        try (Mags mags = ctx.openClient()) {
            info = mags.resizeWorkspace(workspace, diskGb);
        }
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), info);
        } else {
            ctx.out().println("Workspace " + info.workspaceId() + " now has a disk of " + diskGb + " GB ("
                    + Text.bytes(info.diskBytes()) + "); the next run starts on it.");
        }
        return 0;
    }
}
