package dev.mags.cli.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The CLI's own SSH key pair, {@code ~/.mags/id_ed25519} and its {@code .pub}: made once with ssh-keygen (no
 * passphrase, mode 0600), used only by {@code mags ssh}, so that the user's other keys are never offered to a mags
 * server.
 */
public final class ClientKey {
    private final Path privateKey;

    public ClientKey(Path home) {
        this.privateKey = home.resolve(".mags").resolve("id_ed25519");
    }

    public Path privateKey() {
        return privateKey;
    }

    public Path publicKey() {
        return privateKey.resolveSibling("id_ed25519.pub");
    }

    public boolean exists() {
        return Files.exists(privateKey) && Files.exists(publicKey());
    }

    /** Makes the key pair with {@code keygen} unless it is there; ~/.mags is made 0700 first. */
    public void ensure(SshKeygen keygen) throws IOException {
        if (exists()) {
            return;
        }
        Path dir = privateKey.getParent();
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (Files.exists(privateKey)) {
            keygen.writePublicKey(privateKey, publicKey());
        } else {
            keygen.generate(privateKey);
        }
        Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
    }

    /** The public key's line, as the server takes it. */
    public String publicKeyLine() throws IOException {
        return Files.readString(publicKey(), StandardCharsets.UTF_8).strip();
    }

    /** {@code SHA256:...} of the public key, as ssh-keygen -l and the server print it. */
    public String fingerprint() throws IOException {
        String[] parts = publicKeyLine().split("\\s+");
        if (parts.length < 2) {
            throw new IOException(publicKey() + " holds no public key; remove " + privateKey + "* to make a new pair");
        }
        try {
            byte[] blob = Base64.getDecoder().decode(parts[1]);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (IllegalArgumentException e) {
            throw new IOException(publicKey() + " holds no valid public key; remove " + privateKey
                    + "* to make a new pair", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
