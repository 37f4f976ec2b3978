package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public URLs end to end on the debian image, fetched with the system's curl through a real magsd: the seeds'
 * {@code python3 -m http.server 8080} behind its URL and behind an alias, aliases listed and removed, another
 * user who can neither alias your workspace nor remove your alias nor get your job's URL, a sleeping app woken
 * by a request, and the page of an ended one.
 */
class AppsE2EIT {
    private static final String SEEDS_SERVER = "python3 -m http.server 8080";
    @TempDir
    static Path tmp;
    static MagsdFixture magsd;
    static UrlApi alice;

    @BeforeAll
    static void start() {
        magsd = new MagsdFixture(tmp.resolve("data"), TestImages.debian(), "debian").start();
        alice = new UrlApi(magsd.url(), magsd.adminToken());
    }

    @AfterAll
    static void stop() {
        if (magsd != null) {
            try {
                for (String name : List.of("webapp", "secret")) {
                    alice.stop(name);
                }
                assertThat(magsd.leaksAfterRelease()).isEmpty();
            } finally {
                magsd.close();
            }
        }
    }

    private static String apps(String sub) {
        return "http://" + sub + ".localhost:" + magsd.port;
    }

    @Test
    void theSeedsWebServerGetsAUrlThatCurlFetchesAndAnAliasServesTheSamePage() {
        String id = alice.runPersistent("webapp", SEEDS_SERVER, Map.of());
        String url = alice.url("webapp", 8080);
        assertThat(url).matches("http://[a-z0-9]+\\.localhost:" + magsd.port);

        Curl.Page page = Curl.get(url + "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Directory listing for /</title>");

        Api.Response made = alice.createAlias("myapp", "webapp");
        assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
        assertThat(made.body().path("url").asText()).isEqualTo(apps("myapp"));
        Curl.Page viaAlias = Curl.get(apps("myapp") + "/");
        assertThat(viaAlias.status()).isEqualTo(200);
        assertThat(viaAlias.body()).isEqualTo(page.body());
        assertThat(aliasesOf(alice)).contains("myapp -> webapp");

        Api.Response removed = alice.deleteAlias("myapp");
        assertThat(removed.status()).as(removed.body().toString()).isEqualTo(200);
        assertThat(aliasesOf(alice)).doesNotContain("myapp -> webapp");
        Curl.Page gone = Curl.get(apps("myapp") + "/");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body()).contains("No app here");
        assertThat(Curl.get(url + "/").status()).as("the job's own URL stays").isEqualTo(200);

        assertThat(alice.stop("webapp").status()).isEqualTo(200);
        alice.awaitEnded(id);
        Curl.Page ended = Curl.get(url + "/");
        assertThat(ended.status()).isEqualTo(404);
        assertThat(ended.body()).contains("This app has ended");
    }

    @Test
    void anotherUserCanNeitherAliasYourWorkspaceNorRemoveYourAliasNorReachYourJobsUrl() {
        String id = alice.runPersistent("secret", SEEDS_SERVER, Map.of());
        assertThat(alice.createAlias("alices", "secret").status()).isEqualTo(201);
        UrlApi bob = new UrlApi(magsd.url(), UrlApi.newUserToken(magsd, "bob"));

        Api.Response onto = bob.createAlias("bobs-way-in", "secret");
        Api.Response removal = bob.deleteAlias("alices");
        Api.Response byName = bob.access("secret", 8080);
        Api.Response byId = bob.access(id, 8080);

        assertThat(onto.status()).as(onto.body().toString()).isEqualTo(404);
        assertThat(onto.body().path("error").path("message").asText()).contains("no job or workspace named 'secret'");
        assertThat(Curl.get(apps("bobs-way-in") + "/").status()).isEqualTo(404);
        assertThat(removal.status()).as(removal.body().toString()).isEqualTo(404);
        assertThat(byName.status()).as(byName.body().toString()).isEqualTo(404);
        assertThat(byId.status()).as(byId.body().toString()).isEqualTo(404);
        assertThat(aliasesOf(bob)).isEmpty();
        Curl.Page still = Curl.get(apps("alices") + "/");
        assertThat(still.status()).isEqualTo(200);
        assertThat(still.body()).contains("Directory listing for /");
        assertThat(aliasesOf(alice)).contains("alices -> secret");
    }

    @Test
    void aSleepingAppIsWokenByARequestToItsUrlAndAnEndedOneGetsThe404Page() {
        // Its script is its startup command, so the job may sleep once idle, and waking starts the server again.
        String server = "mkdir -p /root/site && exec python3 -m http.server 8080 --directory /root/site";
        try (MagsdFixture sleepy = new MagsdFixture(tmp.resolve("sleepy"), TestImages.debian(), "debian")
                .with("--sleep-after", "2").start()) {
            UrlApi api = new UrlApi(sleepy.url(), sleepy.adminToken());
            String id = api.runPersistent("napper", server, Map.of("startup_command", server));
            api.exec("napper", "echo 'kept across sleep' > /root/site/index.html");
            String url = api.url("napper", 8080);
            assertThat(Curl.get(url + "/").body()).isEqualTo("kept across sleep\n");

            api.awaitStatus("napper", "sleeping");
            assertThat(processesOf(sleepy)).as("processes of the sleeping sandbox").isEmpty();

            Curl.Page woken = Curl.get(url + "/");

            assertThat(woken.status()).isEqualTo(200);
            assertThat(woken.body()).isEqualTo("kept across sleep\n");
            assertThat(api.status("napper").path("status").asText()).isEqualTo("running");

            assertThat(api.stop("napper").status()).isEqualTo(200);
            api.awaitEnded(id);
            Curl.Page ended = Curl.get(url + "/");
            assertThat(ended.status()).isEqualTo(404);
            assertThat(ended.body()).contains("This app has ended");
            assertThat(sleepy.leaksAfterRelease()).isEmpty();
        }
    }

    private static List<String> processesOf(MagsdFixture server) {
        try {
            return SleepWakeE2EIT.processesUnder(server.cgroupParent);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A user's aliases as "sub -> workspace". */
    private static List<String> aliasesOf(UrlApi user) {
        Api.Response r = user.aliases();
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode a : r.body().path("aliases")) {
            out.add(a.path("subdomain").asText() + " -> " + a.path("workspace_id").asText());
        }
        return out;
    }
}
