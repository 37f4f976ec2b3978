package dev.mags.controlplane.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyTest {
    @TempDir
    Path dir;

    @Test
    void theKeyIsMadeOnceInAnOwnerOnlyOpenSshFileAndKept() throws Exception {
        Path file = dir.resolve("ssh_host_ed25519_key");

        KeyPair made = HostKey.loadOrCreate(file);
        KeyPair again = HostKey.loadOrCreate(file);

        assertThat(KeyUtils.getKeyType(made)).isEqualTo("ssh-ed25519");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(KeyUtils.compareKeys(made.getPublic(), again.getPublic())).isTrue();
        assertThat(HostKey.fingerprint(again)).isEqualTo(HostKey.fingerprint(made)).startsWith("SHA256:");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aKeyFileOthersCouldReadIsTightened() throws Exception {
        Path file = dir.resolve("key");
        HostKey.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        HostKey.loadOrCreate(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aFileWithoutAnEd25519KeyIsRefusedNotReplaced() throws Exception {
        Path rsa = dir.resolve("rsa");
        try (OutputStream out = Files.newOutputStream(rsa)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
                    KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 2048), "x", null, out);
        }
        Path junk = Files.writeString(dir.resolve("junk"), "not a key\n");

        assertThatThrownBy(() -> HostKey.loadOrCreate(rsa)).hasMessageContaining("not ssh-ed25519");
        assertThatThrownBy(() -> HostKey.loadOrCreate(junk)).hasMessageContaining(junk.toString());
        assertThat(junk).hasContent("not a key");
    }
}
