package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mags.controlplane.ssh.SshGateway;
import dev.mags.controlplane.ssh.SshGatewayConfig;
import dev.mags.controlplane.ssh.SshTarget;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/** {@code POST /mags-jobs/{id}/access} with {@code port: 22}: where the SSH gateway is, for the caller's names only. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class SshAccessApiTest {
    @Parameter
    StateBackend backend;

    @TempDir
    Path dir;
    TestApi api;
    String bob;
    String aliceId;
    final List<String> released = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        api = new TestApi(backend, dir, new FakeAgent("busybox"));
        bob = api.cp.tokens().createToken("bob", false);
        aliceId = api.cp.tokens().authenticate("Bearer " + api.token).userId();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void withoutAGatewayTheServerSaysSo() {
        HttpResponse<String> r = access(api.token, "dev", "{\"port\": 22}");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("ssh_unavailable");
    }

    @Test
    void theCallersSandboxGetsTheGatewaysAddressAndItsLoginName() {
        SshGateway gateway = startGateway("127.0.0.1");

        HttpResponse<String> r = access(api.token, "dev", "{\"port\": 22}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode info = json(r);
        assertThat(info.get("success").asBoolean()).isTrue();
        assertThat(info.get("ssh_host").asText()).isEqualTo("127.0.0.1");
        assertThat(info.get("ssh_port").asInt()).isEqualTo(gateway.port());
        assertThat(info.get("ssh_user").asText()).isEqualTo("dev");
        assertThat(released).containsExactly("dev");
    }

    @Test
    void aGatewayOnEveryAddressIsReachedByTheApisHostName() {
        startGateway("0.0.0.0");

        JsonNode info = json(access(api.token, "dev", "{\"port\": 22}"));

        assertThat(info.get("ssh_host").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void anotherUsersNameIsNotFoundLikeAMissingOne() {
        startGateway("127.0.0.1");

        HttpResponse<String> bobs = access(bob, "dev", "{\"port\": 22}");
        HttpResponse<String> missing = access(bob, "nosuch", "{\"port\": 22}");

        assertThat(bobs.statusCode()).isEqualTo(404);
        assertThat(json(bobs).at("/error/message").asText())
                .isEqualTo(json(missing).at("/error/message").asText().replace("nosuch", "dev"));
    }

    @Test
    void aPortIsRequired() {
        startGateway("127.0.0.1");

        HttpResponse<String> none = access(api.token, "dev", "{}");

        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).at("/error/message").asText()).contains("'port' is required");
    }

    private SshGateway startGateway(String host) {
        IdleSandbox sandbox = new IdleSandbox("dev");
        return api.cp.startSshGateway(new SshGatewayConfig(host, 0, dir.resolve("ssh_host_ed25519_key")),
                (user, name) -> user.equals(aliceId) && name.equals("dev")
                        ? Optional.of(new SshTarget(name, sandbox, () -> released.add(name)))
                        : Optional.empty());
    }

    private HttpResponse<String> access(String token, String name, String body) {
        return api.post("/api/v1/mags-jobs/" + name + "/access", token, body);
    }
}
