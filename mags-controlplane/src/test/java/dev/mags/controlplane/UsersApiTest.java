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

/** {@code /api/v1/users}: admins list, create, disable and enable users; nobody else may. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class UsersApiTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    TestApi api;
    String bob;

    @BeforeEach
    void start() {
        api = new TestApi(backend, dir, new FakeAgent("busybox")); // api.token is alice's, an admin's
        bob = api.cp.tokens().createToken("bob", false);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aNonAdminIsRefusedEveryUserRoute() {
        for (HttpResponse<String> r : java.util.List.of(
                api.get("/api/v1/users", bob),
                api.post("/api/v1/users", bob, "{\"name\": \"mallory\", \"admin\": true}"),
                api.post("/api/v1/users/alice/disable", bob, "{}"),
                api.post("/api/v1/users/bob/enable", bob, "{}"))) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("forbidden");
        }
        assertThat(api.get("/api/v1/users", api.token).body()).doesNotContain("mallory");
        assertThat(api.get("/api/v1/me", api.token).statusCode()).isEqualTo(200);
    }

    @Test
    void anAdminCreatesAUserWhoseFirstTokenWorks() {
        HttpResponse<String> created = api.post("/api/v1/users", api.token, "{\"name\": \"carol\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = json(created);
        assertThat(body.at("/user/name").asText()).isEqualTo("carol");
        assertThat(body.at("/user/admin").asBoolean()).isFalse();
        String secret = body.at("/token/token").asText();
        JsonNode me = json(api.get("/api/v1/me", secret));
        assertThat(me.get("user").asText()).isEqualTo("carol");
        assertThat(me.get("admin").asBoolean()).isFalse();
        JsonNode users = json(api.get("/api/v1/users", api.token)).get("users");
        assertThat(users).extracting(u -> u.get("name").asText()).containsExactly("alice", "bob", "carol");
        assertThat(api.get("/api/v1/users", api.token).body()).doesNotContain(secret);
    }

    @Test
    void aTakenOrBadNameIsRefused() {
        HttpResponse<String> taken = api.post("/api/v1/users", api.token, "{\"name\": \"bob\"}");
        HttpResponse<String> bad = api.post("/api/v1/users", api.token, "{\"name\": \"../root\"}");

        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(json(taken).at("/error/code").asText()).isEqualTo("user_exists");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).at("/error/message").asText()).contains("letters, digits");
    }

    @Test
    void aDisabledUsersTokensAreRefusedAtOnceAndWorkAgainWhenEnabled() {
        String second = json(api.post("/api/v1/tokens", bob, "{\"name\": \"ci\"}")).get("token").asText();
        assertThat(api.get("/api/v1/me", second).statusCode()).isEqualTo(200); // both now verified and cached

        HttpResponse<String> disabled = api.post("/api/v1/users/bob/disable", api.token, "{}");

        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        assertThat(json(disabled).get("disabled_at").asText()).isNotEmpty();
        assertThat(api.get("/api/v1/me", bob).statusCode()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", second).statusCode()).isEqualTo(401);
        assertThat(api.post("/api/v1/mags-jobs", bob, "{\"script\": \"echo hi\", \"type\": \"inline\"}").statusCode())
                .isEqualTo(401);
        JsonNode users = json(api.get("/api/v1/users", api.token)).get("users");
        assertThat(users.get(1).get("disabled_at").asText()).isNotEmpty();

        assertThat(api.post("/api/v1/users/bob/enable", api.token, "{}").statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", bob).statusCode()).isEqualTo(200);
    }

    @Test
    void anAdminCannotDisableThemselfNorAnUnknownUser() {
        HttpResponse<String> self = api.post("/api/v1/users/alice/disable", api.token, "{}");
        HttpResponse<String> unknown = api.post("/api/v1/users/nobody/disable", api.token, "{}");

        assertThat(self.statusCode()).isEqualTo(409);
        assertThat(api.get("/api/v1/me", api.token).statusCode()).isEqualTo(200);
        assertThat(unknown.statusCode()).isEqualTo(404);
    }
}
