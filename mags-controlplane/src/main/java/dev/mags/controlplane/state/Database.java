package dev.mags.controlplane.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The state store's connection: SQLite in the data dir by default (PostgreSQL in cluster mode uses
 * the same schema), migrated with Flyway on open.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens (creating if needed) the SQLite database at {@code file}. */
    public static Database sqlite(Path file) {
        HikariConfig cfg = new HikariConfig();
        // WAL lets readers run beside the writer; busy_timeout makes concurrent writers wait
        // instead of failing; synchronous=NORMAL is durable across process crashes in WAL mode.
        cfg.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath()
                + "?journal_mode=WAL&busy_timeout=10000&synchronous=NORMAL&foreign_keys=true");
        // One writer at a time is all SQLite allows; a small pool keeps readers from queueing.
        cfg.setMaximumPoolSize(4);
        cfg.setPoolName("mags-state");
        return new Database(new HikariDataSource(cfg));
    }

    /** Connects to PostgreSQL (cluster mode). */
    public static Database postgres(String jdbcUrl, String user, String password) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbcUrl);
        cfg.setUsername(user);
        cfg.setPassword(password);
        cfg.setMaximumPoolSize(10);
        cfg.setPoolName("mags-state");
        return new Database(new HikariDataSource(cfg));
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
