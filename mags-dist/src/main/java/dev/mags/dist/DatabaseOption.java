package dev.mags.dist;

import dev.mags.controlplane.state.DatabaseUrl;
import picocli.CommandLine.Option;

/** {@code --database-url}: where the state store is, shared by the commands that open it. */
final class DatabaseOption {
    @Option(names = "--database-url", defaultValue = "${env:MAGS_DATABASE_URL}",
            description = "PostgreSQL database of the state store (users, tokens, jobs, output, workspaces, cron), as "
                    + "postgresql://USER:PASSWORD@HOST:PORT/DATABASE or "
                    + "jdbc:postgresql://HOST:PORT/DATABASE?user=USER&password=PASSWORD (env MAGS_DATABASE_URL, which "
                    + "keeps the password out of the process list). The database must exist, owned by the user; its "
                    + "tables are made on start. Default: SQLite in <data-dir>/state.db.")
    String databaseUrl;

    /** The parsed URL, or null for the SQLite default. */
    DatabaseUrl url() {
        return databaseUrl == null || databaseUrl.isBlank() ? null : DatabaseUrl.parse(databaseUrl);
    }
}
