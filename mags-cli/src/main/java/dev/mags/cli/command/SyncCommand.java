package dev.mags.cli.command;

import dev.mags.api.WorkspaceSync;
import dev.mags.cli.output.JsonOutput;
import dev.mags.cli.output.SyncProgressBar;
import dev.mags.cli.output.Text;
import dev.mags.sdk.Mags;
import dev.mags.sdk.MagsException;
import dev.mags.sdk.MagsOutcomeUnknownException;
import dev.mags.sdk.MagsTimeoutException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code mags sync NAME}: syncs a persistent workspace to storage now and says which snapshot holds it.
 * On a terminal a progress bar follows the sync while it runs.
 */
@Command(name = "sync", description = "Sync a persistent workspace to storage now (without stopping its sandbox).")
public final class SyncCommand implements Callable<Integer> {
    private static final long POLL_MILLIS = 250;
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "WORKSPACE", description = "The workspace's name (or a job id of it).")
    String workspace;

    public SyncCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        WorkspaceSync result;
        try (Mags mags = ctx.openClient(); Mags poller = ctx.openClient()) {
            CompletableFuture<WorkspaceSync> sync = CompletableFuture.supplyAsync(() -> mags.sync(workspace),
                    r -> Thread.ofPlatform().daemon().start(r));
            result = System.console() != null && !json.enabled() ? withBar(sync, poller) : join(sync);
        } catch (MagsOutcomeUnknownException | MagsTimeoutException e) {
            throw unknownOutcome(e);
        }
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), result);
        } else if (result.unchanged()) {
            ctx.out().println("Workspace " + result.workspaceId() + " is unchanged since snapshot " + result.snapshotId()
                    + " (" + result.files() + " files, " + Text.bytes(result.bytes()) + ").");
        } else {
            ctx.out().println("Synced workspace " + result.workspaceId() + " as snapshot " + result.snapshotId() + ": "
                    + result.files() + " files, " + Text.bytes(result.bytes()) + ", " + Text.bytes(result.bytesUploaded())
                    + " uploaded in " + result.durationMs() + " ms.");
        }
        return 0;
    }

    /**
     * The sync was sent but its answer never came (the server stopped, the connection broke): it may have
     * committed. Says so, and how to find out, instead of reporting a server that cannot be reached.
     */
    private MagsOutcomeUnknownException unknownOutcome(MagsException e) {
        String why = e instanceof MagsOutcomeUnknownException && e.getCause() != null && e.getCause().getMessage() != null
                ? "the connection to the server failed before its answer came (" + e.getCause().getMessage() + ")"
                : e.getMessage();
        return new MagsOutcomeUnknownException("the sync of workspace " + workspace + " may or may not have completed: "
                + why + ". Its last sync is in the LAST SYNC column of `mags workspace list`; syncing again is safe,"
                + " and quick if nothing changed: mags sync " + workspace, e);
    }

    private WorkspaceSync withBar(CompletableFuture<WorkspaceSync> sync, Mags poller) throws InterruptedException {
        try (SyncProgressBar bar = new SyncProgressBar(workspace, System.err)) {
            while (true) {
                try {
                    return sync.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    try {
                        var progress = poller.workspace(workspace).sync();
                        if (progress != null) {
                            bar.update(progress);
                        }
                    } catch (MagsException ignored) {
                        // the bar is a nicety; the sync's own answer decides
                    }
                } catch (ExecutionException e) {
                    throw unwrap(e);
                }
            }
        }
    }

    private static WorkspaceSync join(CompletableFuture<WorkspaceSync> sync) throws InterruptedException {
        try {
            return sync.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
}
