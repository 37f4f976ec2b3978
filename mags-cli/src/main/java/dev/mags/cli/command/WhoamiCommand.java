package dev.mags.cli.command;

import dev.mags.api.WhoAmI;
import dev.mags.cli.output.JsonOutput;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mags whoami}: which user the configured token belongs to. */
@Command(name = "whoami", description = "Show which server and user the configured token belongs to.")
public final class WhoamiCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JsonOption json;

    public WhoamiCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        try (Mags mags = ctx.openClient()) {
            WhoAmI me = mags.whoami();
            if (json.enabled()) {
                JsonOutput.print(ctx.out(), me);
            } else {
                ctx.out().println("Logged in to " + mags.baseUrl() + " as " + me.user() + (me.admin() ? " (admin)" : ""));
                if (me.tokenPrefix() != null) {
                    ctx.out().println("Token: " + me.tokenPrefix() + "…");
                }
            }
        }
        return 0;
    }
}
