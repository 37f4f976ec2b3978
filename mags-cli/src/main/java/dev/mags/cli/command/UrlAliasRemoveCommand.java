package dev.mags.cli.command;

import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mags url alias remove SUB}: deletes one of the caller's URL aliases. */
@Command(name = "remove", description = "Delete a URL alias: its URL stops answering and SUB is free again."
        + " The workspace and its jobs stay.")
public final class UrlAliasRemoveCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "SUB", description = "The alias's subdomain (see mags url alias list).")
    String subdomain;

    public UrlAliasRemoveCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        try (Mags mags = ctx.openClient()) {
            mags.urlAliasDelete(subdomain);
        }
        ctx.out().println("Removed URL alias " + subdomain + ".");
        return 0;
    }
}
