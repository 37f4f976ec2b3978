package dev.mags.controlplane.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.Set;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Ed25519 host key: made once and kept in a file of mode 0600 (OpenSSH's private key format, so
 * {@code ssh-keygen -lf FILE} shows its fingerprint), so that a client's known_hosts entry stays right across
 * restarts. A file another account could read is tightened to 0600 when loaded.
 */
public final class HostKey {
    private static final Logger LOG = LoggerFactory.getLogger(HostKey.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private HostKey() {}

    /** Loads the key in {@code file}, or creates it there when the file does not exist. */
    public static KeyPair loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return load(file);
            }
            return create(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the SSH host key " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load or make the SSH host key " + file + ": " + e.getMessage(), e);
        }
    }

    /** What {@code ssh-keygen -lf} prints for the key: {@code SHA256:...}. */
    public static String fingerprint(KeyPair key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key.getPublic());
    }

    public static KeyPairProvider provider(KeyPair key) {
        return KeyPairProvider.wrap(key);
    }

    private static KeyPair load(Path file) throws IOException, GeneralSecurityException {
        if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            LOG.warn("SSH host key {}: mode set to 0600 (it was readable or writable by others)", file);
        }
        Iterable<KeyPair> keys;
        try (InputStream in = Files.newInputStream(file)) {
            keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, null);
        }
        Iterator<KeyPair> it = keys == null ? null : keys.iterator();
        if (it == null || !it.hasNext()) {
            throw new GeneralSecurityException("no key in the file; move it away to make a new one"
                    + " (clients will then see a changed host key)");
        }
        KeyPair key = it.next();
        if (!KeyPairProvider.SSH_ED25519.equals(KeyUtils.getKeyType(key))) {
            throw new GeneralSecurityException("it holds a " + KeyUtils.getKeyType(key) + " key, not ssh-ed25519");
        }
        return key;
    }

    private static KeyPair create(Path file) throws IOException, GeneralSecurityException {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".host-key", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "mags ssh gateway", null, out);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        LOG.info("SSH host key created in {}: ED25519 {}", file, fingerprint(key));
        return key;
    }
}
