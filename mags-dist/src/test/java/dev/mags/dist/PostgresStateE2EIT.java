package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mags.testkit.FreePort;
import dev.mags.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/magsd serve} keeping its state in a real PostgreSQL (the test cluster of {@link PostgresServer}):
 * {@code mags run} works, the state is in the database and not in the data dir, it survives a restart, {@code magsd
 * token create} reaches the same database, a second server on it is refused, and a wrong URL stops magsd with a
 * message that names it without its password.
 */
class PostgresStateE2EIT {
    @TempDir
    Path tmp;

    private static PostgresServer server() {
        PostgresServer server = PostgresServer.shared().orElse(null);
        Assumptions.assumeTrue(server != null, "PostgreSQL is not installed (Debian: apt-get install postgresql)");
        return server;
    }

    @Test
    void magsRunKeepsItsStateInPostgresql() throws Exception {
        PostgresServer pg = server();
        pg.createDatabase("magsd_e2e");
        String url = pg.url("magsd_e2e");
        Files.createDirectories(tmp.resolve("home"));
        MagsdFixture magsd = new MagsdFixture(tmp.resolve("data"), TestImages.busybox(), "busybox")
                .withEnv("MAGS_DATABASE_URL", url);
        try (magsd) {
            magsd.start();
            Proc.Result run = Proc.run(magsd.cliEnv(tmp.resolve("home")), Duration.ofSeconds(60), Repo.mags(),
                    "run", "echo hi");
            assertThat(run.stdout()).isEqualTo("hi\n");
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(tmp.resolve("data/state.db")).doesNotExist();
            assertThat(magsd.log()).contains("state in PostgreSQL jdbc:postgresql://127.0.0.1:" + pg.port()
                    + "/magsd_e2e").doesNotContain(PostgresServer.PASSWORD);
            assertThat(query(pg, "SELECT script || ' ' || status FROM jobs")).isEqualTo("echo hi completed");

            // the token command opens the same database: bob's token works on the running server
            Proc.Result token = Proc.run(Map.of(), Duration.ofSeconds(60), Repo.magsd(), "token", "create",
                    "--user", "bob", "--data-dir", tmp.resolve("data").toString(), "--database-url", url);
            assertThat(token.exitCode()).as(token.stderr()).isZero();
            Map<String, String> bob = new HashMap<>(magsd.cliEnv(tmp.resolve("home")));
            bob.put("MAGS_API_TOKEN", token.stdout().strip());
            Proc.Result bobs = Proc.run(bob, Duration.ofSeconds(60), Repo.mags(), "run", "echo bob was here");
            assertThat(bobs.stdout()).isEqualTo("bob was here\n");

            // a second server on the same database would end the first's running jobs as leftovers of a crash
            Proc.Result second = Proc.run(Map.of("MAGS_DATABASE_URL", url), Duration.ofSeconds(90), Repo.magsd(),
                    "serve", "--data-dir", tmp.resolve("data2").toString(), "--listen", "127.0.0.1:" + FreePort.pick(),
                    "--ssh-listen", "127.0.0.1:" + FreePort.pick(), "--cgroup-parent", magsd.cgroupParent + "-2",
                    "--warm-pool-size", "0");
            assertThat(second.exitCode()).isNotZero();
            assertThat(second.stderr()).contains("another magsd serve, or a cluster's control planes, keep their state in jdbc:postgresql://127.0.0.1:"
                    + pg.port() + "/magsd_e2e").doesNotContain(PostgresServer.PASSWORD);

            magsd.close();
            magsd.start();
            Api api = new Api(magsd.url(), magsd.adminToken());
            Api.Response jobs = api.get("/api/v1/mags-jobs");
            assertThat(jobs.status()).isEqualTo(200);
            assertThat(jobs.body().toString()).contains("echo hi").doesNotContain("bob was here");
        }
    }

    @Test
    void aSingleNodeServersStateMovesToPostgresqlWithMagsdDbMigrate() throws Exception {
        PostgresServer pg = server();
        pg.createDatabase("magsd_move");
        String url = pg.url("magsd_move");
        Path data = tmp.resolve("data");
        Files.createDirectories(tmp.resolve("home"));
        String[] migrate = {"db", "migrate", "--data-dir", data.toString(), "--database-url", url};
        try (MagsdFixture sqlite = new MagsdFixture(data, TestImages.busybox(), "busybox")) {
            sqlite.start();
            Proc.Result run = Proc.run(sqlite.cliEnv(tmp.resolve("home")), Duration.ofSeconds(60), Repo.mags(),
                    "run", "-n", "moved", "echo before the move");
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            Proc.Result whileRunning = Proc.run(Map.of(), Duration.ofSeconds(60), Repo.magsd(), migrate);
            assertThat(whileRunning.exitCode()).isNotZero();
            assertThat(whileRunning.stderr()).contains("another magsd is already using the data dir");
        }

        Proc.Result moved = Proc.run(Map.of(), Duration.ofSeconds(90), Repo.magsd(), migrate);

        assertThat(moved.exitCode()).as(moved.stderr()).isZero();
        assertThat(moved.stdout()).containsPattern("jobs\\s+1").contains("copied the state of " + data.resolve("state.db"))
                .doesNotContain(PostgresServer.PASSWORD);
        try (MagsdFixture postgres = new MagsdFixture(data, TestImages.busybox(), "busybox").withEnv("MAGS_DATABASE_URL", url)) {
            postgres.start();
            Map<String, String> env = postgres.cliEnv(tmp.resolve("home"));
            Proc.Result logs = Proc.run(env, Duration.ofSeconds(60), Repo.mags(), "logs", "moved");
            assertThat(logs.stdout()).as("the moved job's output, read with the admin token of before").contains("before the move");
            Proc.Result after = Proc.run(env, Duration.ofSeconds(60), Repo.mags(), "run", "echo after the move");
            assertThat(after.stdout()).isEqualTo("after the move\n");
        }
        Proc.Result again = Proc.run(Map.of(), Duration.ofSeconds(90), Repo.magsd(), migrate);
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("already holds mags state");
    }

    @Test
    void anUnreachableDatabaseStopsMagsdWithAMessageNamingItWithoutThePassword() {
        server();
        int closed = FreePort.pick();
        Proc.Result r = Proc.run(Map.of(), Duration.ofSeconds(90), Repo.magsd(), "serve", "--data-dir",
                tmp.resolve("data").toString(), "--listen", "127.0.0.1:" + FreePort.pick(), "--ssh-listen",
                "127.0.0.1:" + FreePort.pick(), "--database-url", "postgresql://mags:s3cret@127.0.0.1:" + closed + "/mags");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("magsd: cannot connect to the PostgreSQL state store at jdbc:postgresql://127.0.0.1:"
                + closed + "/mags (user mags, password ***)").contains("Check that PostgreSQL runs")
                .doesNotContain("s3cret");

        Proc.Result bad = Proc.run(Map.of(), Duration.ofSeconds(60), Repo.magsd(), "serve", "--data-dir",
                tmp.resolve("data").toString(), "--database-url", "mysql://root:s3cret@db/mags");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.stderr()).contains("database URL mysql://root:***@db/mags").contains("postgresql://")
                .doesNotContain("s3cret");
    }

    private static String query(PostgresServer pg, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/magsd_e2e",
                PostgresServer.USER, PostgresServer.PASSWORD); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            StringBuilder out = new StringBuilder();
            while (rs.next()) {
                out.append(out.isEmpty() ? "" : "\n").append(rs.getString(1));
            }
            return out.toString();
        }
    }
}
