package dev.mags.dist;

import dev.mags.controlplane.auth.TokenService;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.DatabaseUrl;
import dev.mags.controlplane.state.UserStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code magsd token create --user NAME}: prints a new API token. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API tokens.",
        subcommands = TokenCommand.Create.class)
final class TokenCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Print a new API token for a user, creating the user if needed.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--user", required = true, description = "User name (letters, digits, _ . @ -).")
        String user;

        @Mixin
        DirOptions dirs;

        @Mixin
        DatabaseOption databaseOption;

        @Override
        public Integer call() {
            Path dataDir = dirs.dataDir();
            Path db = dataDir.resolve("state.db");
            DatabaseUrl url = databaseOption.url();
            if (url == null && !Files.exists(db)) {
                throw new IllegalStateException("no server state at " + db
                        + "; start 'magsd serve --data-dir " + dataDir + "' once first (or give the --database-url "
                        + "of a server that keeps its state in PostgreSQL)");
            }
            try (Database database = Database.open(url, db)) {
                TokenService tokens = new TokenService(new UserStore(database.jdbi()), Clock.systemUTC());
                spec.commandLine().getOut().println(tokens.createToken(user, false));
            }
            return 0;
        }
    }
}
