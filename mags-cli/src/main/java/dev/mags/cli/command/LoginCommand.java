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

/**
 * {@code mags login}: without {@code --token}, opens the dashboard's token page ({@code <url>/tokens}) in the
 * browser (or prints its address) and asks for the token created there; checks the token against the server,
 * then saves it with the server's URL.
 */
@Command(name = "login", description = {
    "Save an API token to ~/.mags/config.json (mode 0600) after checking it with the server.",
    "Without --token, opens the server's token page (<url>/tokens) in your browser with xdg-open (open on "
            + "macOS), or prints its address when no browser can be opened; create a token there and paste it.",
    "An admin can also make one with 'magsd token create --user NAME' on the server."})
public final class LoginCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The API token; asked for when omitted.")
    String token;

    @Option(names = "--no-browser", description = "Print the token page's address instead of opening a browser.")
    boolean noBrowser;

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
        String secret = token != null ? token : askForToken(server);
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

    /** Sends the user to the token page, then reads the token they paste. */
    private String askForToken(URI server) {
        URI page = tokenPage(server);
        boolean opened = !noBrowser && new BrowserOpener(ctx.env().browserOpener(), ctx.env().path()).open(page);
        ctx.err().println(opened
                ? "Opened " + page + " in your browser: create a token there and paste it below."
                : "Open " + page + " in a browser, create a token there and paste it below.");
        ctx.err().flush();
        return ctx.prompt().readSecret("API token for " + server + ": ");
    }

    /** The dashboard's page for tokens: {@code tokens} under the server's URL (which may have a path). */
    static URI tokenPage(URI server) {
        String base = server.toString();
        return URI.create(base.endsWith("/") ? base + "tokens" : base + "/tokens");
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
