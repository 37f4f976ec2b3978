package dev.mags.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL cluster for tests: {@code initdb} into a temp dir and {@code pg_ctl start} on a free loopback
 * port, its Unix socket in the same dir, password authentication over TCP. Started once per test JVM
 * ({@link #shared()}) and removed, processes and files, when the JVM exits. PostgreSQL refuses to run as root,
 * so as root the cluster runs as the OS user {@code postgres} (Debian's package creates it).
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "mags";
    public static final String PASSWORD = "test-password-ü@:/";
    private static final String SUPERUSER_DB = "postgres";
    private static final Object LOCK = new Object();
    private static PostgresServer shared;
    private static Throwable failed;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Debian's binaries of the newest installed PostgreSQL, if any. */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(PostgresServer::majorVersion));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The cluster of this JVM, started on first use. Empty when PostgreSQL is not installed and {@code CI} is
     * unset (a developer's machine); in CI a missing PostgreSQL is an error, not a skip.
     */
    public static Optional<PostgresServer> shared() {
        synchronized (LOCK) {
            if (shared != null) {
                return Optional.of(shared);
            }
            if (failed != null) {
                throw new IllegalStateException("the test PostgreSQL did not start", failed);
            }
            Optional<Path> bin = binaries();
            if (bin.isEmpty()) {
                if (System.getenv("CI") != null) {
                    throw new IllegalStateException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) "
                            + "but CI is set: install Debian's postgresql package (scripts/test does)");
                }
                return Optional.empty();
            }
            try {
                shared = start(bin.get());
            } catch (RuntimeException | Error e) {
                failed = e;
                throw e;
            }
            PostgresServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postgres-test-cluster-stop"));
            return Optional.of(shared);
        }
    }

    private static PostgresServer start(Path bin) {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("mags-pg-");
            PostgresServer s = new PostgresServer(bin, dir, FreePort.pick(), root);
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, PASSWORD + "\n", StandardCharsets.UTF_8);
            if (root) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
                Files.setOwner(pwfile, users.lookupPrincipalByName("postgres"));
            }
            // --no-sync and fsync=off: a test cluster need not survive a power cut, and fsyncs are most of its cost.
            // ICU's en-US collation, as many servers have it, orders text unlike SQLite (see Dialect).
            s.run(List.of(bin.resolve("initdb").toString(), "-D", s.data().toString(), "-U", USER, "--pwfile",
                    pwfile.toString(), "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
                    "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US", "--no-sync"));
            s.run(List.of(bin.resolve("pg_ctl").toString(), "-D", s.data().toString(), "-l",
                    dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                    "-c listen_addresses=127.0.0.1 -p " + s.port + " -k " + dir
                            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                    "start"));
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test PostgreSQL", e);
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private void run(List<String> command) {
        List<String> argv = new ArrayList<>();
        if (asPostgresUser) {
            argv.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        argv.addAll(command);
        try {
            Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " failed:\n" + out + serverLog());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String serverLog() {
        try {
            Path log = dir.resolve("server.log");
            return Files.exists(log) ? "\nserver.log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    public int port() {
        return port;
    }

    /** The libpq-form URL of database {@code name}, as an operator would write it, password percent-encoded. */
    public String url(String name) {
        return "postgresql://" + USER + ":" + java.net.URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
                .replace("+", "%20") + "@127.0.0.1:" + port + "/" + name;
    }

    /** Creates database {@code name} (letters, digits and _) owned by {@link #USER} unless it exists. */
    public void createDatabase(String name) {
        createDatabase(name, "template1");
    }

    /**
     * Creates database {@code name} as a copy of database {@code template} unless it exists: a copy of a migrated
     * database costs a file copy, not the migrations again.
     */
    public void createDatabase(String name, String template) {
        if (!name.matches("[a-z_][a-z0-9_]*") || !template.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException(name + " " + template);
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + SUPERUSER_DB,
                USER, PASSWORD); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + name + " TEMPLATE " + template + " STRATEGY FILE_COPY");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
    }

    /** Stops the cluster at once and removes its files. */
    @Override
    public void close() {
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "stop"));
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the test cluster at " + dir, e);
        }
    }
}
