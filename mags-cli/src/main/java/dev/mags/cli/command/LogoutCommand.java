package dev.mags.cli.command;

import dev.mags.cli.config.ConfigFile;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mags logout}: removes the saved token (the saved URL stays). */
@Command(name = "logout", description = "Remove the saved API token from ~/.mags/config.json.")
public final class LogoutCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    HelpOption help;

    public LogoutCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ConfigFile file = ctx.configFile();
        if (file.removeToken()) {
            ctx.out().println("Removed the saved token from " + file.path() + ".");
        } else {
            ctx.out().println("No saved token in " + file.path() + ".");
        }
        if (ctx.env().apiToken() != null) {
            ctx.err().println("mags: note: MAGS_API_TOKEN is still set in the environment");
        }
        return 0;
    }
}
