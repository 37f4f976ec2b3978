package dev.mags.controlplane.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mags.controlplane.error.BadRequestException;
import java.security.KeyPair;
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
