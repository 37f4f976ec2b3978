package dev.mags.dist;

import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.DatabaseUrl;
import dev.mags.controlplane.state.StateCopy;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code magsd db migrate}: moves a single-node server's state from its SQLite file into PostgreSQL. */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Manage the state store.",
        subcommands = DbCommand.Migrate.class)
final class DbCommand {

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = {"Copy the state of a server that keeps it in <data-dir>/state.db (users, tokens, jobs and "
                    + "their output, workspaces, cron jobs, URLs, files, usage) into the empty PostgreSQL database of "
                    + "--database-url, in one transaction. Stop magsd serve first. Then start it with "
                    + "--database-url; workspaces, images and storage stay where they are. state.db is left as it was."})
    static final class Migrate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DirOptions dirs;

        @Mixin
        DatabaseOption databaseOption;

        @Override
        public Integer call() {
            Path dataDir = dirs.dataDir();
            Path file = dataDir.resolve("state.db");
            DatabaseUrl url = databaseOption.url();
            if (url == null) {
                throw new IllegalArgumentException("give the PostgreSQL database to move the state into with "
                        + "--database-url (or MAGS_DATABASE_URL)");
            }
            if (!Files.exists(file)) {
                throw new IllegalStateException("no server state at " + file + "; give the --data-dir of the server");
            }
            PrintWriter out = spec.commandLine().getOut();
            try (DataDirLock lock = DataDirLock.acquire(dataDir); Database from = Database.sqlite(file);
                    Database to = Database.postgres(url)) {
                Map<String, Long> rows = StateCopy.copy(from, to);
                rows.forEach((table, n) -> out.printf("%-24s %d%n", table, n));
                out.println("copied the state of " + file + " into " + url + "; start the server with: "
                        + "magsd serve --data-dir " + dataDir + " --database-url ...");
            }
            return 0;
        }
    }
}
