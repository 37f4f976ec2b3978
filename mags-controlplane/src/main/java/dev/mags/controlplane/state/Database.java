package dev.mags.controlplane.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state store's connection: SQLite in the data dir by default, or PostgreSQL ({@link #postgres}), with the
 * same schema, migrated with Flyway on open. What differs between the two is in {@link Dialect}, which the stores
 * reach as Jdbi attributes (see {@link #jdbi()}). A SQLite file runs in incremental auto-vacuum mode so that
 * {@link #compact()} can give the pages of deleted rows back to the file system.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** Pages freed per step of {@link #compact()}: each step holds the write lock for a few ms only. */
    private static final int VACUUM_STEP_PAGES = 2048;
    private static final int AUTO_VACUUM_INCREMENTAL = 2;
    /** Key of the advisory lock of {@link #claimSingleServer}: "mags" in ASCII. */
    private static final long SINGLE_SERVER_LOCK = 0x6d616773L;

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource);
        jdbi.define("bytewise", dialect.bytewiseCollation());
        if (dialect.embedded()) {
            jdbi.useHandle(Database::incrementalVacuumIfEmpty);
        }
        // outOfOrder: migrations are written on parallel branches, each independent of the others, so a
        // database that already has a higher one still gets a lower one that came later.
        Flyway.configure().dataSource(dataSource).locations(dialect.migrationLocations().toArray(String[]::new))
                .javaMigrations(new V5JobOutput()).outOfOrder(true).load().migrate();
        if (dialect.embedded()) {
            jdbi.useHandle(Database::switchToIncrementalVacuum);
        }
    }

    /** Opens (creating if needed) the SQLite database at {@code file}. */
    public static Database sqlite(Path file) {
        HikariConfig cfg = new HikariConfig();
        // WAL lets readers run beside the writer; busy_timeout makes concurrent writers wait
        // instead of failing; synchronous=NORMAL is durable across process crashes in WAL mode;
        // journal_size_limit cuts the WAL back after a checkpoint instead of keeping its largest size.
        cfg.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath()
                + "?journal_mode=WAL&busy_timeout=10000&synchronous=NORMAL&foreign_keys=true"
                + "&journal_size_limit=" + (16L << 20));
        // One writer at a time is all SQLite allows; a small pool keeps readers from queueing.
        cfg.setMaximumPoolSize(4);
        cfg.setPoolName("mags-state");
        return new Database(new HikariDataSource(cfg), Dialect.SQLITE);
    }

    /**
     * Connects to the PostgreSQL database at {@code url} and migrates it. The database must exist and the user
     * must be allowed to create tables in it (its owner, typically); an error names the URL (without its
     * password) and what to check.
     */
    public static Database postgres(DatabaseUrl url) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url.jdbcUrl());
        cfg.setUsername(url.user());
        cfg.setPassword(url.password());
        cfg.setMaximumPoolSize(10);
        cfg.setPoolName("mags-state");
        // Give up on an unreachable server within seconds rather than the driver's and pool's half minute.
        cfg.addDataSourceProperty("connectTimeout", "10");
        cfg.setConnectionTimeout(15_000);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to the PostgreSQL state store at " + url + ": "
                    + rootMessage(e) + ". Check that PostgreSQL runs and accepts TCP connections there, that the "
                    + "database exists (createdb) and that the user and password are right", e);
        }
        try {
            return new Database(ds, Dialect.POSTGRESQL);
        } catch (RuntimeException e) {
            ds.close();
            throw new IllegalStateException("cannot set up the PostgreSQL state store at " + url + ": " + rootMessage(e)
                    + ". The user needs to be allowed to create tables in the database (make it the owner: "
                    + "ALTER DATABASE ... OWNER TO ...)", e);
        }
    }

    /** Opens the state store: PostgreSQL at {@code url}, or SQLite in {@code sqliteFile} when there is no URL. */
    public static Database open(DatabaseUrl url, Path sqliteFile) {
        return url == null ? sqlite(sqliteFile) : postgres(url);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m.strip();
    }

    /** A new file: auto-vacuum can still be chosen without rewriting anything. */
    private static void incrementalVacuumIfEmpty(Handle h) {
        boolean empty = h.createQuery("SELECT COUNT(*) FROM sqlite_master").mapTo(Integer.class).one() == 0;
        if (empty) {
            h.execute("PRAGMA auto_vacuum = INCREMENTAL");
        }
    }

    /**
     * A file made before auto-vacuum was on: switching needs one full VACUUM, which rewrites the file
     * (it needs free space of about its size and takes seconds per GB; logged).
     */
    private static void switchToIncrementalVacuum(Handle h) {
        if (h.createQuery("PRAGMA auto_vacuum").mapTo(Integer.class).one() == AUTO_VACUUM_INCREMENTAL) {
            return;
        }
        long before = fileBytes(h);
        long start = System.nanoTime();
        LOG.info("state store: rewriting it once ({} MB) to turn on incremental auto-vacuum", before >> 20);
        h.execute("PRAGMA auto_vacuum = INCREMENTAL");
        h.execute("VACUUM");
        h.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        LOG.info("state store: rewritten in {} ms, {} MB -> {} MB", (System.nanoTime() - start) / 1_000_000,
                before >> 20, fileBytes(h) >> 20);
    }

    private static long fileBytes(Handle h) {
        long pages = h.createQuery("PRAGMA page_count").mapTo(Long.class).one();
        return pages * h.createQuery("PRAGMA page_size").mapTo(Long.class).one();
    }

    /**
     * Gives the pages of deleted rows back to the file system and empties the WAL, so that the files
     * shrink after deletions; a step at a time, so other writers wait milliseconds, not the whole run.
     * Returns the bytes the database file shrank by (always 0 on PostgreSQL, whose autovacuum does this).
     */
    public long compact() {
        if (!dialect.embedded()) {
            return 0;
        }
        return jdbi.withHandle(h -> {
            long before = fileBytes(h);
            while (h.createQuery("PRAGMA freelist_count").mapTo(Long.class).one() > 0) {
                vacuumStep(h);
            }
            h.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            return before - fileBytes(h);
        });
    }

    private static void vacuumStep(Handle h) {
        // executeUpdate steps the pragma to its end; execute() would stop after the first page.
        try (Statement s = h.getConnection().createStatement()) {
            s.executeUpdate("PRAGMA incremental_vacuum(" + VACUUM_STEP_PAGES + ")");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot free the pages of deleted rows: " + e.getMessage(), e);
        }
    }

    /**
     * Makes this process the only server on the database until the returned handle is closed (or the process
     * dies): a second one would take the first's running jobs for leftovers of a crash and end them. A SQLite
     * file is guarded by the data dir's lock already; on PostgreSQL this holds a session advisory lock on a
     * connection of its own. Fails naming the URL when another server holds it.
     */
    public AutoCloseable claimSingleServer(DatabaseUrl url) {
        if (dialect.embedded()) {
            return () -> {};
        }
        try {
            Connection c = dataSource.getConnection();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + SINGLE_SERVER_LOCK + ")")) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    c.close();
                    throw new IllegalStateException("another magsd serve, or a cluster's control planes, keep their state in "
                            + url + " (they hold the database's server lock); stop them, or give this server a database "
                            + "of its own");
                }
            }
            return () -> {
                // the pool keeps the session open, so the lock is given back explicitly
                try (c; Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock(" + SINGLE_SERVER_LOCK + ")");
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the server lock of " + url + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes this process one of the control-plane replicas of a cluster on this PostgreSQL database: a shared hold
     * on the server lock, so that no {@code magsd serve} runs on the database with them (and none starts while one
     * runs). Released when the handle is closed or the process dies.
     */
    public AutoCloseable claimClusterMember(DatabaseUrl url) {
        if (dialect.embedded()) {
            throw new IllegalStateException("a cluster keeps its state in PostgreSQL: give --database-url");
        }
        try {
            Connection c = dataSource.getConnection();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock_shared(" + SINGLE_SERVER_LOCK + ")")) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    c.close();
                    throw new IllegalStateException("a magsd serve keeps its state in " + url + "; a cluster's control "
                            + "planes cannot share the database with it: stop it first (its state stays)");
                }
            }
            return () -> {
                try (c; Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock_shared(" + SINGLE_SERVER_LOCK + ")");
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException("cannot join the cluster on " + url + ": " + e.getMessage(), e);
        }
    }

    /** A connection of the caller's own, outside the pool's sharing (a session lock lives as long as it does). */
    public Connection dedicatedConnection() throws SQLException {
        return dataSource.getConnection();
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Jdbi over the pool; its SQL may use {@code <bytewise>} (see {@link Dialect#bytewiseCollation()}). */
    public Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
