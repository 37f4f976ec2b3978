package dev.mags.controlplane.state;

import dev.mags.testkit.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;

/**
 * The two databases the state store runs on, for tests that run on both ({@code @ParameterizedClass
 * @EnumSource(StateBackend.class)}). The PostgreSQL variant is skipped only where PostgreSQL is not installed
 * and {@code CI} is unset (see {@link PostgresServer#shared()}).
 */
public enum StateBackend {
    SQLITE {
        @Override
        public Database open(Path dir) {
            return Database.sqlite(dir.resolve("state.db"));
        }
    },
    POSTGRESQL {
        @Override
        public Database open(Path dir) {
            return Database.postgres(DatabaseUrl.parse(url(dir)));
        }
    };

    /** A JDBC connection of its own to the state store of {@link #open}, which sees only what was committed. */
    public Connection connect(Path dir) throws SQLException {
        if (this == SQLITE) {
            return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
        }
        DatabaseUrl url = DatabaseUrl.parse(url(dir));
        return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    }

    /**
     * The state store of a test whose temp dir is {@code dir}: the same database each time for the same dir (a
     * test may close and open it again, as a restarted server does), an empty one for a new dir.
     */
    public abstract Database open(Path dir);

    /**
     * The URL of {@code dir}'s PostgreSQL database, created if new as a copy of one migrated once per JVM (what
     * {@link Database#postgres} then finds is an up-to-date schema); skips the test without PostgreSQL.
     */
    public static String url(Path dir) {
        PostgresServer server = server();
        synchronized (StateBackend.class) {
            if (!templateMigrated) {
                server.createDatabase(TEMPLATE);
                Database.postgres(DatabaseUrl.parse(server.url(TEMPLATE))).close();
                templateMigrated = true;
            }
        }
        String name = databaseName(dir);
        server.createDatabase(name, TEMPLATE);
        return server.url(name);
    }

    /** The URL of an empty PostgreSQL database of {@code dir}'s, for tests that migrate it themselves. */
    public static String emptyUrl(Path dir) {
        PostgresServer server = server();
        String name = databaseName(dir);
        server.createDatabase(name);
        return server.url(name);
    }

    private static final String TEMPLATE = "t_migrated";
    private static boolean templateMigrated;

    private static PostgresServer server() {
        PostgresServer server = PostgresServer.shared().orElse(null);
        Assumptions.assumeTrue(server != null, "PostgreSQL is not installed (Debian: apt-get install postgresql)");
        return server;
    }

    private static String databaseName(Path dir) {
        return "t_" + HexFormat.of().formatHex(sha256(dir.toAbsolutePath().toString()), 0, 12);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
