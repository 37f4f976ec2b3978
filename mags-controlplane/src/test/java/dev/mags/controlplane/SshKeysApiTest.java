package dev.mags.controlplane;

import static dev.mags.controlplane.JobsApiTest.JSON;
import static dev.mags.controlplane.JobsApiTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import dev.mags.controlplane.state.StateBackend;

/** {@code /api/v1/ssh-keys}: a user's public keys, as the CLI and curl use them. */
@ParameterizedClass
@EnumSource(StateBackend.class)
class SshKeysApiTest {
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

    @Test
    void aRegisteredKeyIsListedWithItsFingerprintAndNamedByItsComment() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);

        HttpResponse<String> added = add(api.token, null, line(key, "alice@laptop"));

        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        JsonNode info = json(added);
        assertThat(info.get("name").asText()).isEqualTo("alice@laptop");
        assertThat(info.get("fingerprint").asText()).isEqualTo(KeyUtils.getFingerPrint(BuiltinDigests.sha256,
                key.getPublic())).startsWith("SHA256:");
        assertThat(info.get("created_at").asText()).isNotEmpty();
        JsonNode list = json(api.get("/api/v1/ssh-keys", api.token)).get("ssh_keys");
        assertThat(list).hasSize(1);
        assertThat(list.get(0)).isEqualTo(info);
        assertThat(json(api.get("/api/v1/ssh-keys", bob)).get("ssh_keys")).isEmpty();
    }

    @Test
    void aKeyBelongsToOneUser() throws Exception {
        String line = line(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), "k");
        String id = json(add(api.token, "laptop", line)).get("id").asText();

        HttpResponse<String> again = add(api.token, "again", line);
        HttpResponse<String> bobs = add(bob, "mine", line);

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).at("/error/code").asText()).isEqualTo("ssh_key_exists");
        assertThat(json(again).at("/error/message").asText()).contains("'laptop'").contains(id);
        assertThat(bobs.statusCode()).isEqualTo(409);
        assertThat(json(bobs).at("/error/message").asText()).contains("another user").doesNotContain(id);
        assertThat(json(api.get("/api/v1/ssh-keys", bob)).get("ssh_keys")).isEmpty();
    }

    @Test
    void badKeysAreRefusedWithAMessage() throws Exception {
        KeyPair rsa1024 = KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 1024);

        assertRefused(add(api.token, "x", "not a key"), "invalid_public_key", "must start with its key type");
        assertRefused(add(api.token, "x", "ssh-ed25519 AAAA!!!"), "invalid_public_key", "not a valid OpenSSH public key");
        assertRefused(add(api.token, "x", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----"),
                "invalid_public_key", "private key");
        assertRefused(add(api.token, "x", line(rsa1024, "old")), "invalid_public_key", "at least 2048");
        assertRefused(add(api.token, "x", "from=\"10.0.0.1\" " + line(KeyUtils.generateKeyPair(
                KeyPairProvider.SSH_ED25519, 256), "c")), "invalid_public_key", "options are not taken");
        assertRefused(add(api.token, "x", null), "invalid_public_key", "'public_key' is required");
        assertRefused(add(api.token, "\u0007bell", line(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), "c")),
                "invalid_field", "'name'");
        assertRefused(api.post("/api/v1/ssh-keys", api.token, "{\"public_key\": \"x\", \"admin\": true}"),
                "unknown_field", "admin");
        assertThat(json(api.get("/api/v1/ssh-keys", api.token)).get("ssh_keys")).isEmpty();
    }

    @Test
    void anotherUsersKeyCannotBeDeletedAndReadsAsMissing() throws Exception {
        String id = json(add(api.token, "laptop", line(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256),
                "c"))).get("id").asText();

        HttpResponse<String> bobTries = api.delete("/api/v1/ssh-keys/" + id, bob);
        HttpResponse<String> missing = api.delete("/api/v1/ssh-keys/no-such-id", bob);

        assertThat(bobTries.statusCode()).isEqualTo(404);
        assertThat(json(bobTries).at("/error/message").asText())
                .isEqualTo(json(missing).at("/error/message").asText().replace("no-such-id", id));
        assertThat(json(api.get("/api/v1/ssh-keys", api.token)).get("ssh_keys")).hasSize(1);

        HttpResponse<String> deleted = api.delete("/api/v1/ssh-keys/" + id, api.token);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted).get("deleted").asBoolean()).isTrue();
        assertThat(json(api.get("/api/v1/ssh-keys", api.token)).get("ssh_keys")).isEmpty();
        assertThat(api.delete("/api/v1/ssh-keys/" + id, api.token).statusCode()).isEqualTo(404);
    }

    @Test
    void keysNeedAToken() {
        assertThat(api.get("/api/v1/ssh-keys", null).statusCode()).isEqualTo(401);
        assertThat(api.post("/api/v1/ssh-keys", null, "{\"public_key\": \"x\"}").statusCode()).isEqualTo(401);
    }

    HttpResponse<String> add(String token, String name, String publicKey) {
        return api.post("/api/v1/ssh-keys", token, "{\"name\": " + JSON.valueToTree(name) + ", \"public_key\": "
                + JSON.valueToTree(publicKey) + "}");
    }

    static String line(KeyPair key, String comment) {
        return PublicKeyEntry.toString(key.getPublic()) + " " + comment;
    }

    static void assertRefused(HttpResponse<String> r, String code, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json(r).at("/error/code").asText()).as(r.body()).isEqualTo(code);
        assertThat(json(r).at("/error/message").asText()).as(r.body()).contains(message);
    }
}
