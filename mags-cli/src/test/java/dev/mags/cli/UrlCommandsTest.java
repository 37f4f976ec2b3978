package dev.mags.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mags url} and {@code mags url alias}: what they send and what they print. */
class UrlCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCESS = "/api/v1/mags-jobs/webapp/access";
    private static final String ALIASES = "/api/v1/mags-url-aliases";
    private static final String MYAPP = "{\"subdomain\":\"myapp\",\"workspace_id\":\"webapp\","
            + "\"url\":\"http://myapp.localhost:8080\",\"created_at\":\"2026-01-02T03:04:05Z\"}";
    private static final String API = "{\"subdomain\":\"api-v2\",\"workspace_id\":\"backend\","
            + "\"url\":\"http://api-v2.localhost:8080\",\"created_at\":\"2026-02-03T10:00:00Z\"}";

    @TempDir
    Path home;

    private CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(home);
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    @Test
    void urlPrintsTheUrlOfPort8080UnlessAPortIsGiven() throws Exception {
        cli.server.json("POST", ACCESS, 200,
                "{\"success\":true,\"url\":\"http://k3x9.localhost:8080\",\"port\":8080,\"subdomain\":\"k3x9\"}");

        CliFixture.Result plain = cli.run("url", "webapp");
        CliFixture.Result port = cli.run("url", "webapp", "3000");

        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(plain.out()).isEqualTo("http://k3x9.localhost:8080\n");
        assertThat(plain.err()).isEmpty();
        assertThat(port.exit()).isZero();
        assertThat(cli.server.requests("POST", ACCESS)).extracting(r -> JSON.readTree(r.body()))
                .containsExactly(JSON.readTree("{\"port\":8080}"), JSON.readTree("{\"port\":3000}"));
    }

    @Test
    void anEndedJobShowsTheServersMessage() {
        cli.server.json("POST", ACCESS, 409, "{\"error\":{\"code\":\"sandbox_not_running\",\"message\":\"job j1 has"
                + " ended; start it again with mags run -w webapp -p --url ...\"}}");

        CliFixture.Result r = cli.run("url", "webapp");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("mags: job j1 has ended; start it again with mags run -w webapp -p --url ...\n");
    }

    @Test
    void aMissingNameOrABadPortIsAUsageError() {
        for (String[] args : new String[][] {{"url"}, {"url", "webapp", "0"}, {"url", "webapp", "65536"},
            {"url", "webapp", "http"}, {"url", "webapp", "22"}, {"url", "alias", "myapp"}, {"url", "alias", "remove"}}) {
            CliFixture.Result r = cli.run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).startsWith("mags: ").contains("--help' for more information");
        }
        assertThat(cli.run("url").err()).contains("Missing NAME|ID", "mags list");
        assertThat(cli.run("url", "alias", "myapp").err()).contains("mags url alias myapp NAME");
        assertThat(cli.server.requests()).isEmpty();
    }

    @Test
    void aliasSendsTheSubdomainAndWorkspaceAndPrintsTheUrl() throws Exception {
        cli.server.json("POST", ALIASES, 201, MYAPP);

        CliFixture.Result r = cli.run("url", "alias", "myapp", "webapp");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("http://myapp.localhost:8080\n");
        assertThat(JSON.readTree(cli.server.single("POST", ALIASES).body()))
                .isEqualTo(JSON.readTree("{\"subdomain\":\"myapp\",\"workspace_id\":\"webapp\"}"));
    }

    @Test
    void aSubdomainNamedLikeASubcommandIsGivenAfterDoubleDash() throws Exception {
        cli.server.json("POST", ALIASES, 201, MYAPP);

        assertThat(cli.run("url", "alias", "--", "list", "webapp").exit()).isZero();

        assertThat(JSON.readTree(cli.server.single("POST", ALIASES).body()))
                .isEqualTo(JSON.readTree("{\"subdomain\":\"list\",\"workspace_id\":\"webapp\"}"));
    }

    @Test
    void aTakenSubdomainShowsTheServersMessage() {
        cli.server.json("POST", ALIASES, 409,
                "{\"error\":{\"code\":\"subdomain_taken\",\"message\":\"subdomain 'myapp' is taken; choose another\"}}");

        CliFixture.Result r = cli.run("url", "alias", "myapp", "webapp");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("mags: subdomain 'myapp' is taken; choose another\n");
    }

    @Test
    void listIsATableOfTheCallersAliases() {
        cli.server.json("GET", ALIASES, 200, "{\"aliases\":[" + MYAPP + "," + API + "]}");

        CliFixture.Result r = cli.run("url", "alias", "list");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("""
                SUBDOMAIN  WORKSPACE  URL                           CREATED
                myapp      webapp     http://myapp.localhost:8080   2026-01-02 03:04:05
                api-v2     backend    http://api-v2.localhost:8080  2026-02-03 10:00:00
                """);
    }

    @Test
    void listAsJsonIsTheServersAnswer() throws Exception {
        cli.server.json("GET", ALIASES, 200, "{\"aliases\":[" + MYAPP + "]}");

        CliFixture.Result r = cli.run("url", "alias", "list", "--json");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(JSON.readTree(r.out())).isEqualTo(JSON.readTree("{\"aliases\":[" + MYAPP + "]}"));
    }

    @Test
    void removeDeletesTheAlias() {
        cli.server.json("DELETE", ALIASES + "/myapp", 200, "{\"subdomain\":\"myapp\",\"deleted\":true}");

        CliFixture.Result r = cli.run("url", "alias", "remove", "myapp");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("Removed URL alias myapp.\n");
        assertThat(cli.server.requests("DELETE", ALIASES + "/myapp")).hasSize(1);
    }

    @Test
    void removingAnUnknownAliasFailsWithTheServersMessage() {
        cli.server.json("DELETE", ALIASES + "/nope", 404,
                "{\"error\":{\"code\":\"not_found\",\"message\":\"no URL alias 'nope' of yours (mags url alias list)\"}}");

        CliFixture.Result r = cli.run("url", "alias", "remove", "nope");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("mags: no URL alias 'nope' of yours (mags url alias list)\n");
    }

    @Test
    void helpShowsEveryForm() {
        CliFixture.Result url = cli.run("url", "--help");
        CliFixture.Result alias = cli.run("url", "alias", "--help");

        assertThat(url.exit()).isZero();
        assertThat(url.out()).contains("mags url [-h] NAME|ID [PORT]", "mags url alias SUB NAME | list | remove SUB",
                "(default 8080)");
        assertThat(alias.out()).contains("mags url alias [-h] SUB NAME", "mags url alias list [--json]",
                "mags url alias remove SUB", "reserved");
        assertThat(cli.run("--help").out()).contains("url");
    }
}
