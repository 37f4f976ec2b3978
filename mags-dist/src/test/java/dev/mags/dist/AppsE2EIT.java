package dev.mags.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public URLs end to end on the debian image, as typed: {@code bin/mags} against a real magsd, pages fetched with
 * the system's curl. The seeds' {@code mags run -w webapp -p --url --port 8080 'python3 -m http.server 8080'}
 * behind its URL and behind an alias, {@code mags url alias list/remove}; another user who can neither alias your
 * workspace nor remove your alias nor get your job's URL; a sleeping app woken by a request; the ended app's page.
 */
class AppsE2EIT {
    private static final Duration CLI = Duration.ofSeconds(120);
    private static final String SEEDS_SERVER = "python3 -m http.server 8080";
    private static final int START_WAIT_SECONDS = 5;
    @TempDir
    static Path tmp;
    static MagsdFixture magsd;
    static Map<String, String> alice;

    @BeforeAll
    static void start() throws IOException {
        // A short wait for ports, so that a port nothing listens on is answered soon (servers here listen within one).
        magsd = new MagsdFixture(tmp.resolve("data"), TestImages.debian(), "debian")
                .with("--apps-start-wait", Integer.toString(START_WAIT_SECONDS)).start();
        alice = magsd.cliEnv(Files.createDirectories(tmp.resolve("alice")));
    }

    @AfterAll
    static void stop() {
        if (magsd != null) {
            try {
                for (String name : List.of("webapp", "secret", "portless")) {
                    mags(alice, "stop", name);
                }
                assertThat(magsd.leaksAfterRelease()).isEmpty();
            } finally {
                magsd.close();
            }
        }
    }

    private static Proc.Result mags(Map<String, String> env, String... args) {
        return Proc.run(env, CLI, Repo.mags(), args);
    }

    /** {@code mags ARGS} that must succeed; its stdout. */
    private static String ok(Map<String, String> env, String... args) {
        Proc.Result r = mags(env, args);
        assertThat(r.exitCode()).as("mags %s: %s", String.join(" ", args), r.stderr()).isZero();
        return r.stdout();
    }

    private static String apps(String sub) {
        return "http://" + sub + ".localhost:" + magsd.port;
    }

    @Test
    void theSeedsExampleAsTypedPrintsAUrlThatCurlFetchesAndAnAliasServesTheSamePage() {
        String url = ok(alice, "run", "-w", "webapp", "-p", "--url", "--port", "8080", SEEDS_SERVER).strip();
        assertThat(url).matches("http://[a-z0-9]+\\.localhost:" + magsd.port);
        assertThat(ok(alice, "url", "webapp").strip()).as("mags url asks again").isEqualTo(url);

        Curl.Page page = Curl.get(url);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Directory listing for /</title>");

        assertThat(ok(alice, "url", "alias", "myapp", "webapp").strip()).isEqualTo(apps("myapp"));
        Curl.Page viaAlias = Curl.get(apps("myapp") + "/");
        assertThat(viaAlias.status()).isEqualTo(200);
        assertThat(viaAlias.body()).isEqualTo(page.body());
        assertThat(ok(alice, "url", "alias", "list")).containsPattern("myapp\\s+webapp\\s+" + apps("myapp"));

        assertThat(ok(alice, "url", "alias", "remove", "myapp")).contains("Removed URL alias myapp");
        assertThat(ok(alice, "url", "alias", "list")).doesNotContain("myapp");
        Curl.Page gone = Curl.get(apps("myapp") + "/");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body()).contains("No app here");
        assertThat(Curl.get(url).status()).as("the job's own URL stays").isEqualTo(200);

        ok(alice, "stop", "webapp");
        Curl.Page ended = Curl.get(url);
        assertThat(ended.status()).isEqualTo(404);
        assertThat(ended.body()).contains("This app has ended");
    }

    /**
     * The proxy opens its connections inside the sandbox's network: a URL of a port that nothing in the sandbox
     * listens on must never reach a server on that port of the host's own loopback (magsd's API, a database).
     */
    @Test
    void aPortNothingInTheSandboxListensOnNeverReachesTheHostsSamePort() throws IOException {
        try (java.net.ServerSocket host = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread answering = Thread.ofVirtual().start(() -> {
                while (!host.isClosed()) {
                    try (java.net.Socket s = host.accept()) {
                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nHOST\n"
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            ok(alice, "new", "portless");
            String url = ok(alice, "url", "portless", Integer.toString(host.getLocalPort())).strip();

            Curl.Page page = Curl.get(url);

            assertThat(page.body()).doesNotContain("HOST");
            assertThat(page.status()).isEqualTo(503);
            assertThat(page.body()).contains("nothing accepted connections on its port " + host.getLocalPort());
            host.close();
            answering.interrupt();
        }
    }

    @Test
    void anotherUserCanNeitherAliasYourWorkspaceNorRemoveYourAliasNorGetYourJobsUrl() throws IOException {
        ok(alice, "run", "-w", "secret", "-p", "--url", SEEDS_SERVER);
        ok(alice, "url", "alias", "alices", "secret");
        String jobId = new UrlApi(magsd.url(), magsd.adminToken()).status("secret").path("request_id").asText();
        Map<String, String> bob = new HashMap<>(alice);
        bob.put("MAGS_API_TOKEN", UrlApi.newUserToken(magsd, "bob"));
        bob.put("HOME", Files.createDirectories(tmp.resolve("bob")).toString());

        Proc.Result onto = mags(bob, "url", "alias", "bobs-way-in", "secret");
        Proc.Result removal = mags(bob, "url", "alias", "remove", "alices");
        Proc.Result byName = mags(bob, "url", "secret");
        Proc.Result byId = mags(bob, "url", jobId);

        assertThat(onto.exitCode()).isNotZero();
        assertThat(onto.stderr()).contains("no job or workspace named 'secret'");
        assertThat(Curl.get(apps("bobs-way-in") + "/").status()).isEqualTo(404);
        assertThat(removal.exitCode()).isNotZero();
        assertThat(removal.stderr()).contains("no URL alias 'alices'");
        for (Proc.Result r : List.of(byName, byId)) {
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).contains("no job or workspace named");
        }
        assertThat(ok(bob, "url", "alias", "list")).doesNotContain("alices");
        Curl.Page still = Curl.get(apps("alices") + "/");
        assertThat(still.status()).isEqualTo(200);
        assertThat(still.body()).contains("Directory listing for /");
        assertThat(ok(alice, "url", "alias", "list")).containsPattern("alices\\s+secret");
    }

    @Test
    void aSleepingAppIsWokenByARequestToItsUrlAndAnEndedOneGetsThe404Page() throws IOException {
        // Its script is its startup command, so the job may sleep once idle, and waking starts the server again.
        String server = "mkdir -p /root/site && exec python3 -m http.server 8080 --directory /root/site";
        try (MagsdFixture sleepy = new MagsdFixture(tmp.resolve("sleepy"), TestImages.debian(), "debian")
                .with("--sleep-after", "2").start()) {
            Map<String, String> env = sleepy.cliEnv(Files.createDirectories(tmp.resolve("sleepy-home")));
            UrlApi api = new UrlApi(sleepy.url(), sleepy.adminToken());
            String url = ok(env, "run", "-w", "napper", "-p", "--startup-command", server, "--url", server).strip();
            ok(env, "exec", "napper", "echo 'kept across sleep' > /root/site/index.html");
            assertThat(Curl.get(url).body()).isEqualTo("kept across sleep\n");

            api.awaitStatus("napper", "sleeping");
            assertThat(processesOf(sleepy)).as("processes of the sleeping sandbox").isEmpty();

            Curl.Page woken = Curl.get(url);

            assertThat(woken.status()).isEqualTo(200);
            assertThat(woken.body()).isEqualTo("kept across sleep\n");
            assertThat(api.status("napper").path("status").asText()).isEqualTo("running");

            String id = api.status("napper").path("request_id").asText();
            ok(env, "stop", "napper");
            api.awaitEnded(id);
            Curl.Page ended = Curl.get(url);
            assertThat(ended.status()).isEqualTo(404);
            assertThat(ended.body()).contains("This app has ended");
            assertThat(sleepy.leaksAfterRelease()).isEmpty();
        }
    }

    private static List<String> processesOf(MagsdFixture server) {
        try {
            return SleepWakeE2EIT.processesUnder(server.cgroupParent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
