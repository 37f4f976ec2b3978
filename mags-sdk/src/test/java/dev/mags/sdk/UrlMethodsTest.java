package dev.mags.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.AccessInfo;
import dev.mags.api.UrlAlias;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SDK's public URL calls: the access answer for a web port, and URL aliases. */
class UrlMethodsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCESS = "/api/v1/mags-jobs/webapp/access";
    private static final String ALIASES = "/api/v1/mags-url-aliases";
    private static final String ALIAS = "{\"subdomain\":\"my-app\",\"workspace_id\":\"my-api\","
            + "\"url\":\"http://my-app.localhost:8080\",\"created_at\":\"2026-01-02T03:04:05Z\"}";

    private final FakeMagsServer server = FakeMagsServer.start();
    private final Mags mags = Mags.builder().baseUrl(server.uri()).token("tok").build();

    @AfterEach
    void tearDown() {
        mags.close();
        server.close();
    }

    @Test
    void enableAccessForAWebPortReadsTheUrlAndLeavesTheSshFieldsEmpty() throws Exception {
        server.json("POST", ACCESS, 200,
                "{\"success\":true,\"url\":\"http://k3x9.localhost:8080\",\"port\":3000,\"subdomain\":\"k3x9\"}");

        AccessInfo access = mags.enableAccess("webapp", 3000);

        assertThat(access).isEqualTo(AccessInfo.url("http://k3x9.localhost:8080", 3000, "k3x9"));
        assertThat(access.sshHost()).isNull();
        assertThat(JSON.readTree(server.single("POST", ACCESS).body())).isEqualTo(JSON.readTree("{\"port\":3000}"));
    }

    @Test
    void urlAsksForThePortAndAnswersTheFullUrl() throws Exception {
        server.json("POST", ACCESS, 200,
                "{\"success\":true,\"url\":\"https://k3x9.apps.example.com\",\"port\":8080,\"subdomain\":\"k3x9\"}");

        assertThat(mags.url("webapp", 8080)).isEqualTo("https://k3x9.apps.example.com");
        assertThat(JSON.readTree(server.single("POST", ACCESS).body())).isEqualTo(JSON.readTree("{\"port\":8080}"));
    }

    @Test
    void urlOfPortTwentyTwoIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> mags.url("webapp", 22)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("enableAccess(nameOrId, 22)");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void anAnswerWithoutAUrlIsABadResponseNotANull() {
        server.json("POST", ACCESS, 200, "{\"success\":true,\"port\":8080}");

        assertThatThrownBy(() -> mags.url("webapp", 8080)).isInstanceOfSatisfying(MagsApiException.class,
                e -> assertThat(e.code()).isEqualTo(MagsApiException.BAD_RESPONSE)).hasMessageContaining("no url");
    }

    @Test
    void anEndedSandboxIsTheServersConflict() {
        server.json("POST", ACCESS, 409, "{\"error\":{\"code\":\"sandbox_not_running\",\"message\":\"job j1 has ended;"
                + " start it again with mags run -w webapp -p --url ...\"}}");

        assertThatThrownBy(() -> mags.url("webapp", 8080)).isInstanceOfSatisfying(MagsApiException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.code()).isEqualTo("sandbox_not_running");
        }).hasMessageContaining("mags run -w webapp -p --url");
    }

    @Test
    void aliasesAreCreatedListedAndDeleted() throws Exception {
        server.json("POST", ALIASES, 201, ALIAS);
        server.json("GET", ALIASES, 200, "{\"aliases\":[" + ALIAS + "]}");
        server.json("DELETE", ALIASES + "/my-app", 200, "{\"subdomain\":\"my-app\",\"deleted\":true}");

        UrlAlias created = mags.urlAliasCreate("my-app", "my-api");
        assertThat(mags.urlAliasList().aliases()).containsExactly(created);
        mags.urlAliasDelete("my-app");

        assertThat(created).isEqualTo(new UrlAlias("my-app", "my-api", "http://my-app.localhost:8080",
                Instant.parse("2026-01-02T03:04:05Z")));
        assertThat(JSON.readTree(server.single("POST", ALIASES).body()))
                .isEqualTo(JSON.readTree("{\"subdomain\":\"my-app\",\"workspace_id\":\"my-api\"}"));
        assertThat(server.requests("DELETE", ALIASES + "/my-app")).hasSize(1);
    }

    @Test
    void theDomainIsSentWhenGiven() throws Exception {
        server.json("POST", ALIASES, 201, ALIAS);

        mags.urlAliasCreate("my-app", "my-api", "apps.example.com");

        assertThat(JSON.readTree(server.single("POST", ALIASES).body())).isEqualTo(JSON.readTree(
                "{\"subdomain\":\"my-app\",\"workspace_id\":\"my-api\",\"domain\":\"apps.example.com\"}"));
    }

    @Test
    void aTakenSubdomainAndAnUnknownAliasAreApiErrors() {
        server.json("POST", ALIASES, 409,
                "{\"error\":{\"code\":\"subdomain_taken\",\"message\":\"subdomain 'my-app' is taken\"}}");
        server.json("DELETE", ALIASES + "/nope", 404,
                "{\"error\":{\"code\":\"not_found\",\"message\":\"no URL alias 'nope' of yours\"}}");

        assertThatThrownBy(() -> mags.urlAliasCreate("my-app", "my-api")).isInstanceOfSatisfying(MagsApiException.class,
                e -> assertThat(e.code()).isEqualTo("subdomain_taken"));
        assertThatThrownBy(() -> mags.urlAliasDelete("nope")).isInstanceOfSatisfying(MagsApiException.class,
                e -> assertThat(e.status()).isEqualTo(404)).hasMessageContaining("no URL alias 'nope' of yours");
    }
}
