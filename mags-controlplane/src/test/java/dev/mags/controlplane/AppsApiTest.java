package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.controlplane.apps.AppsConfig;
import dev.mags.controlplane.apps.AppsTls;
import dev.mags.testkit.SelfSignedCertificate;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.testing.RawHttp;
import dev.mags.controlplane.testing.TestApp;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/**
 * Public URLs through the API's own listener, with a real web app behind the fake agent's port: a job's port gets
 * a URL that serves it (headers, streams both ways, server-sent events, a WebSocket), aliases follow a workspace,
 * a sleeping app is woken by a request, and unknown, ended or silent apps get pages that say so.
 */
@ParameterizedClass
@EnumSource(StateBackend.class)
class AppsApiTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    final FakeAgent agent = new FakeAgent("busybox");
    final TestApp app = new TestApp();
    TestApi api;
    String bob;

    @BeforeEach
    void start() {
        startWith(ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox")
                .withApps(AppsConfig.defaults().withStartWait(Duration.ofMillis(500))));
    }

    private void startWith(ControlPlaneConfig config) {
        if (api != null) {
            api.close();
        }
        agent.ports.put(8080, app.port());
        Path own = dir.resolve("cp-" + System.nanoTime());
        try {
            java.nio.file.Files.createDirectories(own);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        api = new TestApi(backend, own, agent, config);
        bob = api.cp.tokens().createToken("bob", false);
    }

    @AfterEach
    void stop() {
        api.close();
        app.close();
    }

    private String submitPersistent(String workspace) {
        HttpResponse<String> r = api.post("/api/v1/mags-jobs", api.token,
                "{\"script\": \"out up\", \"workspace_id\": \"" + workspace + "\", \"persistent\": true}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = json(r).get("request_id").asText();
        awaitStatus(id, "running");
        return id;
    }

    private void awaitStatus(String id, String wanted) {
        await().atMost(Duration.ofSeconds(20)).until(() ->
                json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token)).get("status").asText().equals(wanted));
    }

    private JsonNode access(String token, String name, int port) {
        HttpResponse<String> r = api.post("/api/v1/mags-jobs/" + name + "/access", token, "{\"port\": " + port + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    private String hostOf(String url) {
        return url.substring("http://".length());
    }

    private RawHttp.Response get(String host, String path) throws Exception {
        try (RawHttp http = new RawHttp(api.cp.appsPort())) {
            return http.send("GET", host, path, Map.of("Proxy-Authorization", "Basic c2VjcmV0"), null).response();
        }
    }

    @Test
    void aJobsPortGetsAUrlThatServesItsApp() throws Exception {
        submitPersistent("web");

        JsonNode first = access(api.token, "web", 8080);
        JsonNode again = access(api.token, "web", 8080);

        String url = first.get("url").asText();
        assertThat(url).matches("http://[a-z0-9]{12}\\.localhost:" + api.cp.port());
        assertThat(first.get("port").asInt()).isEqualTo(8080);
        assertThat(first.get("subdomain").asText()).isEqualTo(url.substring(7, 19));
        assertThat(first.has("ssh_host")).isFalse();
        assertThat(again.get("url").asText()).as("the same URL again").isEqualTo(url);
        RawHttp.Response page = get(hostOf(url), "/hello?x=1");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("hello from the app; path=/hello?x=1; host=" + hostOf(url)
                + "; for=127.0.0.1; proto=http; secret=null");
        HttpResponse<String> apiStill = api.get("/api/v1/mags-jobs", api.token);
        assertThat(apiStill.statusCode()).as("the API's own host is still the API").isEqualTo(200);
        assertThat(get("nobody.localhost", "/").status()).isEqualTo(404);
        // Counted when each exchange completes, which may be a moment after its answer reached the visitor.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.get("/metrics", null).body())
                .contains("mags_proxy_requests_total{status=\"2xx\"} 1.0")
                .contains("mags_proxy_requests_total{status=\"4xx\"} 1.0"));
    }

    @Test
    void unknownHostsEndedAppsAndSilentPortsGetPagesThatSaySo() throws Exception {
        String id = submitPersistent("web");
        String host = hostOf(access(api.token, "web", 8080).get("url").asText());
        String silent = hostOf(access(api.token, "web", 9999).get("url").asText());

        RawHttp.Response unknown = get("nobody.localhost", "/");
        RawHttp.Response notListening = get(silent, "/");
        api.post("/api/v1/mags-jobs/" + id + "/stop", api.token, "{}");
        awaitStatus(id, "completed");
        RawHttp.Response ended = get(host, "/");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.headers().get("content-type")).startsWith("text/html");
        assertThat(unknown.body()).contains("No app here").contains("nobody.localhost");
        assertThat(notListening.status()).isEqualTo(503);
        assertThat(notListening.body()).contains("nothing accepted connections on its port 9999");
        assertThat(ended.status()).isEqualTo(404);
        assertThat(ended.body()).contains("has ended");
        HttpResponse<String> again = api.post("/api/v1/mags-jobs/" + id + "/access", api.token, "{\"port\": 8080}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).at("/error/code").asText()).isEqualTo("sandbox_not_running");
    }

    @Test
    void badPortsAndAnotherUsersJobsAreRefused() {
        submitPersistent("web");

        for (String port : new String[] {"0", "65536", "-1"}) {
            HttpResponse<String> r = api.post("/api/v1/mags-jobs/web/access", api.token, "{\"port\": " + port + "}");
            assertThat(r.statusCode()).as(port).isEqualTo(400);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("invalid_field");
        }
        HttpResponse<String> bobs = api.post("/api/v1/mags-jobs/web/access", bob, "{\"port\": 8080}");
        assertThat(bobs.statusCode()).isEqualTo(404);
    }

    @Test
    void anAliasFollowsItsWorkspaceAndOnlyItsOwnerChangesIt() throws Exception {
        String first = submitPersistent("web");
        access(api.token, "web", 8080);

        HttpResponse<String> created = api.post("/api/v1/mags-url-aliases", api.token,
                "{\"subdomain\": \"MyApp\", \"workspace_id\": \"web\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created).get("url").asText()).isEqualTo("http://myapp.localhost:" + api.cp.port());
        assertThat(json(created).get("workspace_id").asText()).isEqualTo("web");
        assertThat(get("myapp.localhost:" + api.cp.port(), "/").body()).startsWith("hello from the app");

        assertThat(api.post("/api/v1/mags-url-aliases", bob, "{\"subdomain\": \"myapp\", \"workspace_id\": \"x\"}")
                .statusCode()).as("taken, whoever asks").isIn(404, 409);
        HttpResponse<String> taken = api.post("/api/v1/mags-url-aliases", api.token,
                "{\"subdomain\": \"myapp\", \"workspace_id\": \"web\"}");
        assertThat(json(taken).at("/error/code").asText()).isEqualTo("subdomain_taken");
        HttpResponse<String> ontoAlices = api.post("/api/v1/mags-url-aliases", bob,
                "{\"subdomain\": \"bobs\", \"workspace_id\": \"web\"}");
        assertThat(ontoAlices.statusCode()).as("bob cannot point an alias at alice's workspace").isEqualTo(404);
        assertThat(api.delete("/api/v1/mags-url-aliases/myapp", bob).statusCode()).isEqualTo(404);
        assertThat(json(api.get("/api/v1/mags-url-aliases", bob)).get("aliases")).isEmpty();
        assertThat(json(api.post("/api/v1/mags-url-aliases", api.token,
                "{\"subdomain\": \"my_app\", \"workspace_id\": \"web\"}")).at("/error/code").asText())
                .isEqualTo("invalid_subdomain");
        assertThat(json(api.post("/api/v1/mags-url-aliases", api.token,
                "{\"subdomain\": \"www\", \"workspace_id\": \"web\"}")).at("/error/code").asText())
                .isEqualTo("reserved_subdomain");

        api.post("/api/v1/mags-jobs/" + first + "/stop", api.token, "{}");
        awaitStatus(first, "completed");
        submitPersistent("web");
        assertThat(get("myapp.localhost", "/").body()).as("the alias serves the workspace's new job")
                .startsWith("hello from the app");

        JsonNode list = json(api.get("/api/v1/mags-url-aliases", api.token));
        assertThat(list.get("aliases")).hasSize(1);
        assertThat(list.at("/aliases/0/subdomain").asText()).isEqualTo("myapp");
        assertThat(api.delete("/api/v1/mags-url-aliases/myapp", api.token).statusCode()).isEqualTo(200);
        assertThat(get("myapp.localhost", "/").status()).isEqualTo(404);
    }

    @Test
    void bodiesStreamBothWaysAndServerSentEventsArriveOneByOne() throws Exception {
        submitPersistent("web");
        String host = hostOf(access(api.token, "web", 8080).get("url").asText());
        long size = 100L << 20;

        try (RawHttp up = new RawHttp(api.cp.appsPort())) {
            up.send("POST", host, "/count", Map.of("Content-Length", Long.toString(size)), null);
            byte[] block = new byte[1 << 20];
            OutputStream out = up.out();
            for (int i = 0; i < 100; i++) {
                out.write(block);
            }
            out.flush();
            assertThat(up.response().body()).isEqualTo("received " + size + " bytes");
        }
        try (RawHttp down = new RawHttp(api.cp.appsPort())) {
            down.send("GET", host, "/big?n=" + size, Map.of(), null);
            RawHttp.Head head = down.head();
            assertThat(head.headers().get("content-length")).isEqualTo(Long.toString(size));
            long got = 0;
            byte[] buf = new byte[1 << 16];
            for (int n; got < size && (n = down.in().read(buf, 0, (int) Math.min(buf.length, size - got))) >= 0; ) {
                got += n;
            }
            assertThat(got).isEqualTo(size);
        }
        try (RawHttp sse = new RawHttp(api.cp.appsPort())) {
            sse.send("GET", host, "/sse", Map.of("Accept", "text/event-stream"), null);
            RawHttp.Head head = sse.head();
            assertThat(head.headers().get("content-type")).isEqualTo("text/event-stream");
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("data: one\n\n")) {
                seen.append(new String(sse.chunk(), StandardCharsets.UTF_8));
            }
            assertThat(seen.toString()).as("the first event arrives before the app sends the second")
                    .doesNotContain("two");
            app.secondEvent.countDown();
            for (byte[] c = sse.chunk(); c != null; c = sse.chunk()) {
                seen.append(new String(c, StandardCharsets.UTF_8));
            }
            assertThat(seen.toString()).isEqualTo("data: one\n\ndata: two\n\n");
        }
    }

    /** A self-signed certificate for *.apps.test and its PKCS #8 key, as openssl writes them: {cert, key}. */
    private Path[] wildcardCertificate() throws Exception {
        SelfSignedCertificate made = SelfSignedCertificate.create(dir, "apps", "DNS:*.apps.test");
        return new Path[] {made.certificate(), made.key()};
    }

    @Test
    void theAppsOwnListenerServesTlsFromAWildcardCertificate() throws Exception {
        Path[] pem = wildcardCertificate();
        startWith(ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox").withApps(new AppsConfig("apps.test", null,
                "127.0.0.1", 0, Duration.ofMillis(500), AppsConfig.DEFAULT_MAX_BODY, 8, new AppsTls(pem[0], pem[1]))));
        submitPersistent("web");

        String url = access(api.token, "web", 8080).get("url").asText();
        String host = url.substring("https://".length());
        Process curl = new ProcessBuilder("curl", "-sS", "--cacert", pem[0].toString(), "--resolve",
                host + ":127.0.0.1", url + "/hello?x=1").redirectErrorStream(true).start();
        String page = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(url).matches("https://[a-z0-9]{12}\\.apps\\.test:" + api.cp.appsPort());
        assertThat(curl.waitFor()).as(page).isZero();
        assertThat(page).isEqualTo("hello from the app; path=/hello?x=1; host=" + host
                + "; for=127.0.0.1; proto=https; secret=null");
    }

    @Test
    void unusableCertificatesAndKeysAreRefusedSayingWhatToDo() throws Exception {
        Path[] pem = wildcardCertificate();
        Path rsa = dir.resolve("rsa.pem");
        java.nio.file.Files.writeString(rsa, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Path empty = dir.resolve("empty.pem");
        java.nio.file.Files.writeString(empty, "");

        assertThatThrownBy(() -> new AppsTls(pem[0], rsa).context()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + rsa);
        assertThatThrownBy(() -> new AppsTls(empty, pem[1]).context()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no certificate");
        assertThatThrownBy(() -> new AppsTls(pem[0], empty).context()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no private key");
        assertThatThrownBy(() -> new AppsConfig("apps.test", null, null, 0, Duration.ZERO, 1, 1,
                new AppsTls(pem[0], pem[1]))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add --apps-listen");
    }

    @Test
    void aVisitorWaitingFor100ContinueGetsItBeforeSendingItsBody() throws Exception {
        submitPersistent("web");
        String host = hostOf(access(api.token, "web", 8080).get("url").asText());

        try (RawHttp up = new RawHttp(api.cp.appsPort())) {
            // As curl does for a body past 1 MB: the head alone, then the body only once 100 Continue has come.
            up.send("POST", host, "/count", Map.of("Content-Length", "5", "Expect", "100-continue"), null);
            RawHttp.Head interim = up.head();
            up.out().write("hello".getBytes(StandardCharsets.US_ASCII));
            up.out().flush();

            assertThat(interim.status()).isEqualTo(100);
            assertThat(up.response().body()).isEqualTo("received 5 bytes");
        }
    }

    @Test
    void aWebSocketEchoesThroughTheProxy() throws Exception {
        submitPersistent("web");
        String host = hostOf(access(api.token, "web", 8080).get("url").asText());
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

        try (RawHttp ws = new RawHttp(api.cp.appsPort())) {
            ws.send("GET", host, "/ws", Map.of("Upgrade", "websocket", "Connection", "Upgrade",
                    "Sec-WebSocket-Key", key, "Sec-WebSocket-Version", "13"), null);
            RawHttp.Head head = ws.head();
            assertThat(head.status()).isEqualTo(101);
            assertThat(head.headers().get("upgrade")).isEqualToIgnoringCase("websocket");
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            assertThat(head.headers().get("sec-websocket-accept")).isEqualTo(accept);

            byte[] text = "hi there".getBytes(StandardCharsets.UTF_8);
            byte[] mask = {1, 2, 3, 4};
            OutputStream out = ws.out();
            out.write(new byte[] {(byte) 0x81, (byte) (0x80 | text.length)});
            out.write(mask);
            for (int i = 0; i < text.length; i++) {
                out.write(text[i] ^ mask[i % 4]);
            }
            out.flush();
            int b0 = ws.in().read();
            int len = ws.in().read();
            byte[] echoed = ws.in().readNBytes(len);
            assertThat(b0).isEqualTo(0x81);
            assertThat(new String(echoed, StandardCharsets.UTF_8)).isEqualTo("echo: hi there");
        }
    }

    @Test
    void aRequestWakesASleepingApp() throws Exception {
        startWith(ControlPlaneConfig.defaults("127.0.0.1", 0, "busybox").withSleepAfter(Duration.ofSeconds(1)));
        String id = submitPersistent("web");
        String host = hostOf(access(api.token, "web", 8080).get("url").asText());
        awaitStatus(id, "sleeping");
        int sandboxes = agent.launched.size();

        RawHttp.Response page = get(host, "/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).startsWith("hello from the app");
        assertThat(agent.launched).as("a new sandbox on the workspace").hasSize(sandboxes + 1);
        assertThat(json(api.get("/api/v1/mags-jobs/" + id + "/status", api.token)).get("status").asText())
                .isEqualTo("running");
    }

    @Test
    void aVisitorsConnectionKeepsItsOwnConnectionToTheAppAndNoOtherVisitorSharesIt() throws Exception {
        submitPersistent("web");
        String host = hostOf(access(api.token, "web", 8080).get("url").asText());

        String first;
        String second;
        try (RawHttp visitor = new RawHttp(api.cp.appsPort())) {
            first = visitor.send("GET", host, "/peer", Map.of(), null).response().body();
            second = visitor.send("GET", host, "/peer", Map.of(), null).response().body();
        }
        String other;
        try (RawHttp another = new RawHttp(api.cp.appsPort())) {
            other = another.send("GET", host, "/peer", Map.of(), null).response().body();
        }

        assertThat(first).startsWith("peer port ");
        assertThat(second).as("the same visitor's next request goes over the same connection").isEqualTo(first);
        assertThat(other).as("another visitor gets a connection of its own").isNotEqualTo(first);
    }
}
