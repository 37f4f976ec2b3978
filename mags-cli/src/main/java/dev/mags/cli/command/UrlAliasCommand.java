package dev.mags.cli.command;

import dev.mags.api.UrlAlias;
import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mags url alias SUB NAME}: a stable subdomain for a workspace, printed as its URL; {@code list} and
 * {@code remove} are its subcommands. SUB and NAME are optional to picocli only, so that {@code list} and
 * {@code remove} parse as subcommands; {@link #call()} asks for both.
 */
@Command(name = "alias", description = {"Give a workspace a stable public URL and print it.",
        "SUB.<apps domain> serves the newest job of workspace NAME, on the port of that job's URL (8080 when it"
                + " has none), across restarts and new jobs. SUB is a DNS label (1-63 of a-z, 0-9 and -, not at"
                + " either end), unique on the server; some names are reserved (www, api, admin, ...)."},
        customSynopsis = {"mags url alias [-h] SUB NAME",
            "       mags url alias list [--json]",
            "       mags url alias remove SUB"},
        subcommands = {UrlAliasListCommand.class, UrlAliasRemoveCommand.class},
        footerHeading = "%n",
        footer = "A subdomain named list or remove: mags url alias -- SUB NAME.")
public final class UrlAliasCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SUB", description = "The subdomain, e.g. myapp.")
    String subdomain;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The workspace (or job name) it serves.")
    String workspace;

    public UrlAliasCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (subdomain == null) {
            spec.commandLine().usage(spec.commandLine().getErr());
            return spec.exitCodeOnInvalidInput();
        }
        if (workspace == null) {
            throw new ParameterException(spec.commandLine(), "Missing NAME: the workspace that " + subdomain
                    + " serves (mags url alias " + subdomain + " NAME)");
        }
        UrlAlias alias;
        try (Mags mags = ctx.openClient()) {
            alias = mags.urlAliasCreate(subdomain, workspace);
        }
        ctx.out().println(alias.url());
        return 0;
    }
}
