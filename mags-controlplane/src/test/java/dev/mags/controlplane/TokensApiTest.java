package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/** {@code /api/v1/tokens}: a user lists, creates and revokes their own tokens; nobody else's. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class TokensApiTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    TestApi api;
    String bob;

    @BeforeEach
    void start() {
        api = new TestApi(backend, dir, new FakeAgent("busybox"));
        bob = api.cp.tokens().createToken("bob", false);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    HttpResponse<String> create(String bearer, String name) {
        return api.post("/api/v1/tokens", bearer, "{\"name\": \"" + name + "\"}");
    }

    @Test
    void aCreatedTokenIsShownOnceWorksAndIsListedWithoutItsSecret() {
        HttpResponse<String> created = create(bob, "laptop");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode token = json(created);
        String secret = token.get("token").asText();
        assertThat(secret).startsWith("mags_").startsWith(token.get("prefix").asText());
        assertThat(token.get("name").asText()).isEqualTo("laptop");
        assertThat(json(api.get("/api/v1/me", secret)).get("user").asText()).isEqualTo("bob");

        HttpResponse<String> listed = api.get("/api/v1/tokens", bob);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(secret).doesNotContain("\"token\"").doesNotContain("hash");
        JsonNode tokens = json(listed).get("tokens");
        assertThat(tokens).hasSize(2); // the one from 'magsd token create' (no name) and the new one
        assertThat(tokens.get(0).has("name")).isFalse();
        assertThat(tokens.get(1).get("id").asText()).isEqualTo(token.get("id").asText());
        assertThat(tokens.get(1).get("prefix").asText()).isEqualTo(token.get("prefix").asText());
        assertThat(tokens.get(1).get("created_at").asText()).isEqualTo(token.get("created_at").asText());
        assertThat(json(api.get("/api/v1/tokens", api.token)).get("tokens")).hasSize(1);
    }

    @Test
    void lastUseIsRecordedWhenATokenIsUsed() {
        JsonNode token = json(create(bob, "ci"));
        assertThat(json(api.get("/api/v1/tokens", bob)).get("tokens").get(1).has("last_used_at")).isFalse();

        api.get("/api/v1/me", token.get("token").asText());

        JsonNode listed = json(api.get("/api/v1/tokens", bob)).get("tokens");
        assertThat(listed.get(1).get("last_used_at").asText()).isNotEmpty();
        assertThat(listed.get(0).get("last_used_at").asText()).isNotEmpty(); // bob's own, used to list
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceThoughItWasVerifiedMomentsAgo() {
        JsonNode token = json(create(bob, "old"));
        String secret = token.get("token").asText();
        assertThat(api.get("/api/v1/me", secret).statusCode()).isEqualTo(200); // now in the verification cache

        HttpResponse<String> revoked = api.delete("/api/v1/tokens/" + token.get("id").asText(), bob);

        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        HttpResponse<String> after = api.get("/api/v1/me", secret);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(json(after).at("/error/message").asText()).contains("revoked");
        assertThat(api.get("/api/v1/mags-jobs", secret).statusCode()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", bob).statusCode()).isEqualTo(200);
        assertThat(json(api.get("/api/v1/tokens", bob)).get("tokens")).hasSize(1);
    }

    @Test
    void aTokenCanRevokeItself() {
        String id = json(api.get("/api/v1/tokens", bob)).get("tokens").get(0).get("id").asText();

        assertThat(api.delete("/api/v1/tokens/" + id, bob).statusCode()).isEqualTo(200);

        assertThat(api.get("/api/v1/tokens", bob).statusCode()).isEqualTo(401);
    }

    @Test
    void anotherUsersTokenCannotBeRevokedNorSeen() {
        String alices = json(api.get("/api/v1/tokens", api.token)).get("tokens").get(0).get("id").asText();

        HttpResponse<String> attempt = api.delete("/api/v1/tokens/" + alices, bob);

        assertThat(attempt.statusCode()).isEqualTo(404);
        assertThat(json(attempt).at("/error/code").asText()).isEqualTo("not_found");
        assertThat(api.get("/api/v1/me", api.token).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/tokens", bob).body()).doesNotContain(alices);
        assertThat(api.delete("/api/v1/tokens/no-such-id", bob).statusCode()).isEqualTo(404);
    }

    @Test
    void aTokenNeedsAName() {
        HttpResponse<String> blank = create(bob, " ");
        HttpResponse<String> none = api.post("/api/v1/tokens", bob, "{}");

        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(json(blank).at("/error/code").asText()).isEqualTo("invalid_field");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(api.get("/api/v1/tokens", bob)).get("tokens")).hasSize(1);
    }

    @Test
    void withoutATokenNothingIsListed() {
        assertThat(api.get("/api/v1/tokens", null).statusCode()).isEqualTo(401);
        assertThat(api.post("/api/v1/tokens", null, "{\"name\": \"x\"}").statusCode()).isEqualTo(401);
    }
}
