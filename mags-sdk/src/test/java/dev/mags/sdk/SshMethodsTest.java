package dev.mags.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.AccessInfo;
import dev.mags.api.SshKeyInfo;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SDK's SSH calls: keys and the access answer for port 22. */
class SshMethodsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeMagsServer server = FakeMagsServer.start();
    private final Mags mags = Mags.builder().baseUrl(server.uri()).token("tok").build();

    @AfterEach
    void tearDown() {
        mags.close();
        server.close();
    }

    @Test
    void enableAccessAsksForThePortAndReadsWhereToConnect() throws Exception {
        server.json("POST", "/api/v1/mags-jobs/dev/access", 200,
                "{\"success\":true,\"ssh_host\":\"h.example\",\"ssh_port\":2222,\"ssh_user\":\"dev\"}");

        AccessInfo access = mags.enableAccess("dev", 22);

        assertThat(access).isEqualTo(AccessInfo.ssh("h.example", 2222, "dev"));
        assertThat(JSON.readTree(server.single("POST", "/api/v1/mags-jobs/dev/access").body()))
                .isEqualTo(JSON.readTree("{\"port\":22}"));
    }

    @Test
    void keysAreAddedListedAndDeleted() throws Exception {
        String key = "{\"id\":\"k1\",\"name\":\"laptop\",\"fingerprint\":\"SHA256:abc\","
                + "\"created_at\":\"2026-01-02T03:04:05Z\"}";
        server.json("POST", "/api/v1/ssh-keys", 201, key);
        server.json("GET", "/api/v1/ssh-keys", 200, "{\"ssh_keys\":[" + key + "]}");
        server.json("DELETE", "/api/v1/ssh-keys/k1", 200, "{\"id\":\"k1\",\"deleted\":true}");

        SshKeyInfo added = mags.addSshKey("laptop", "ssh-ed25519 AAAA me@host");
        assertThat(mags.listSshKeys().sshKeys()).containsExactly(added);
        mags.deleteSshKey("k1");

        assertThat(added).isEqualTo(new SshKeyInfo("k1", "laptop", "SHA256:abc", Instant.parse("2026-01-02T03:04:05Z")));
        assertThat(JSON.readTree(server.single("POST", "/api/v1/ssh-keys").body()))
                .isEqualTo(JSON.readTree("{\"name\":\"laptop\",\"public_key\":\"ssh-ed25519 AAAA me@host\"}"));
        assertThat(server.requests("DELETE", "/api/v1/ssh-keys/k1")).hasSize(1);
    }

    @Test
    void aNameThatIsNotTheCallersIsAnApiError() {
        server.json("POST", "/api/v1/mags-jobs/x/access", 404,
                "{\"error\":{\"code\":\"not_found\",\"message\":\"no job or workspace named 'x'\"}}");

        assertThatThrownBy(() -> mags.enableAccess("x", 22)).isInstanceOf(MagsApiException.class)
                .hasMessageContaining("no job or workspace named 'x'");
    }
}
