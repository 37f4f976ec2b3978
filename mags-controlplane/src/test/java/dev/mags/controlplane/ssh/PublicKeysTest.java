package dev.mags.controlplane.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.controlplane.error.BadRequestException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Base64;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;

class PublicKeysTest {
    @Test
    void theUsualKeyTypesAreReadAndStoredWithoutTheirComment() throws Exception {
        for (String type : new String[] {KeyPairProvider.SSH_ED25519, KeyPairProvider.ECDSA_SHA2_NISTP256,
            KeyPairProvider.ECDSA_SHA2_NISTP521, KeyPairProvider.SSH_RSA}) {
            KeyPair key = KeyUtils.generateKeyPair(type, type.equals(KeyPairProvider.SSH_RSA) ? 3072
                    : type.equals(KeyPairProvider.ECDSA_SHA2_NISTP521) ? 521 : 256);
            String canonical = PublicKeyEntry.toString(key.getPublic());

            PublicKeys.Parsed parsed = PublicKeys.parse("  " + canonical + "  me@host with spaces \n");

            assertThat(parsed.type()).isEqualTo(type);
            assertThat(parsed.canonical()).isEqualTo(canonical);
            assertThat(parsed.comment()).isEqualTo("me@host with spaces");
            assertThat(parsed.fingerprint()).isEqualTo(PublicKeys.fingerprint(key.getPublic()));
        }
    }

    @Test
    void aSecurityKeysEd25519KeyIsRead() throws Exception {
        String ed = PublicKeyEntry.toString(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
        byte[] blob = Base64.getDecoder().decode(ed.split(" ")[1]);
        byte[] raw = Arrays.copyOfRange(blob, blob.length - 32, blob.length);
        ByteArrayOutputStream sk = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(sk);
        for (byte[] field : new byte[][] {"sk-ssh-ed25519@openssh.com".getBytes(StandardCharsets.US_ASCII), raw,
            "ssh:".getBytes(StandardCharsets.US_ASCII)}) {
            out.writeInt(field.length);
            out.write(field);
        }
        String line = "sk-ssh-ed25519@openssh.com " + Base64.getEncoder().encodeToString(sk.toByteArray());

        PublicKeys.Parsed parsed = PublicKeys.parse(line + " yubikey");

        assertThat(parsed.type()).isEqualTo("sk-ssh-ed25519@openssh.com");
        assertThat(parsed.canonical()).isEqualTo(line);
    }

    @Test
    void aTypeThatDoesNotMatchTheKeyIsRefused() throws Exception {
        String ed = PublicKeyEntry.toString(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
        String lie = "ssh-rsa " + ed.split(" ")[1];

        assertThatThrownBy(() -> PublicKeys.parse(lie)).isInstanceOf(BadRequestException.class);
    }

    @Test
    void dsaAndTwoKeysAtOnceAreRefused() throws Exception {
        String ed = PublicKeyEntry.toString(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());

        assertThatThrownBy(() -> PublicKeys.parse("ssh-dss AAAAB3NzaC1kc3MAAACBAP== x"))
                .hasMessageContaining("must start with its key type");
        assertThatThrownBy(() -> PublicKeys.parse(ed + "\n" + ed)).hasMessageContaining("one line");
        assertThatThrownBy(() -> PublicKeys.parse("ssh-ed25519")).hasMessageContaining("no key data");
    }
}
