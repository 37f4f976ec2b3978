package dev.mags.cli.command;

import dev.mags.api.UrlAlias;
import dev.mags.api.UrlAliasList;
import dev.mags.cli.output.JsonOutput;
import dev.mags.cli.output.Table;
import dev.mags.cli.output.Text;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mags url alias list}: the caller's URL aliases. */
@Command(name = "list", description = "List your URL aliases, oldest first.")
public final class UrlAliasListCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Mixin
    JsonOption json;

    public UrlAliasListCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        UrlAliasList result;
        try (Mags mags = ctx.openClient()) {
            result = mags.urlAliasList();
        }
        if (json.enabled()) {
            JsonOutput.print(ctx.out(), result);
            return 0;
        }
        Table table = new Table("SUBDOMAIN", "WORKSPACE", "URL", "CREATED");
        for (UrlAlias a : result.aliases()) {
            table.add(a.subdomain(), a.workspaceId(), a.url(), Text.time(a.createdAt(), ctx.zone()));
        }
        table.print(ctx.out());
        return 0;
    }
}
