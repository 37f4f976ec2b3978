package dev.mags.cli.command;

import dev.mags.api.WhoAmI;
import dev.mags.cli.config.CliConfig;
import dev.mags.cli.config.ConfigException;
import dev.mags.cli.config.ConfigFile;
import dev.mags.cli.config.SavedConfig;
import dev.mags.sdk.Mags;
import dev.mags.sdk.MagsApiException;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mags login}: checks a token against the server, then saves it with the server's URL. */
@Command(name = "login", description = {
    "Save an API token to ~/.mags/config.json (mode 0600) after checking it with the server.",
    "Get a token from the server's operator ('magsd token create --user NAME')."})
public final class LoginCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The API token; asked for when omitted.")
    String token;

    @Option(names = "--url", paramLabel = "URL",
            description = "The server (default: MAGS_API_URL, the saved URL, else http://127.0.0.1:8080).")
    String url;

    public LoginCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ConfigFile file = ctx.configFile();
        URI server = url != null ? CliConfig.parseUrl(url, "--url") : CliConfig.resolveUrl(ctx.env(), savedOrEmpty(file));
        String secret = token != null ? token : ctx.prompt().readSecret("API token for " + server + ": ");
        if (secret == null || secret.isBlank()) {
            throw new CliException("no token given", CliException.CONFIG);
        }
        secret = secret.strip();
        WhoAmI me;
        try (Mags mags = ctx.openClient(server, secret)) {
            me = mags.whoami();
        } catch (MagsApiException e) {
            if (e.status() == 401) {
                throw new CliException("the server at " + server + " rejected the token: " + e.getMessage(),
                        CliException.CONFIG);
            }
            throw e;
        }
        file.save(server, secret);
        ctx.out().println("Logged in to " + server + " as " + me.user() + (me.admin() ? " (admin)" : "") + ".");
        ctx.out().println("Saved to " + file.path());
        if (ctx.env().apiToken() != null) {
            ctx.err().println("mags: note: MAGS_API_TOKEN is set and takes precedence over the saved token");
        }
        if (ctx.env().apiUrl() != null && url != null) {
            ctx.err().println("mags: note: MAGS_API_URL is set and takes precedence over the saved URL");
        }
        return 0;
    }

    private SavedConfig savedOrEmpty(ConfigFile file) {
        try {
            return file.load();
        } catch (ConfigException e) {
            ctx.err().println("mags: " + e.getMessage() + " (it will be replaced)");
            return SavedConfig.EMPTY;
        }
    }
}
