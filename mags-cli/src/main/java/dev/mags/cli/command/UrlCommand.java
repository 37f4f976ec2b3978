package dev.mags.cli.command;

import dev.mags.sdk.Mags;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mags url NAME|ID [PORT]}: the public URL of a port of a running sandbox, as the reference's {@code mags url};
 * {@code mags url alias ...} are the stable names. NAME and PORT are optional to picocli only, so that
 * {@code mags url alias} parses as the subcommand; {@link #call()} asks for NAME.
 */
@Command(name = "url", description = {"Print the public URL that serves a port of a running sandbox.",
        "Anyone who has the URL reaches that port (no token). Asking again for the same job and port prints the"
                + " same URL; a new job (mags run again) gets a new one: an alias (mags url alias) stays."},
        customSynopsis = {"mags url [-h] NAME|ID [PORT]",
            "       mags url alias SUB NAME | list | remove SUB"},
        subcommands = {UrlAliasCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  mags run -w webapp -p --url 'python3 -m http.server 8080'   # prints the URL",
            "  curl \"$(mags url webapp)\"        # port 8080 of webapp's sandbox",
            "  mags url webapp 3000              # the URL of port 3000",
            "  mags url alias myapp webapp       # a URL that stays: myapp.<apps domain>",
            "",
            "A job or workspace named alias: mags url -- alias [PORT]."
        })
public final class UrlCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME|ID",
            description = "The sandbox: a job's request id, its name or its workspace's name (see mags list).")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PORT", description = "The port in the sandbox (default 8080).")
    Integer port;

    public UrlCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (name == null) {
            throw new ParameterException(spec.commandLine(), "Missing NAME|ID: the sandbox whose port to serve"
                    + " (mags url NAME [PORT]; mags list shows your jobs)");
        }
        int p = port == null ? UrlRun.DEFAULT_PORT : port;
        UrlRun.checkPort(spec.commandLine(), "PORT", p);
        String url;
        try (Mags mags = ctx.openClient()) {
            url = mags.url(name, p);
        }
        ctx.out().println(url);
        return 0;
    }
}
