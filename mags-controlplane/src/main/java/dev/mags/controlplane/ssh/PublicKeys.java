package dev.mags.controlplane.ssh;

import dev.mags.controlplane.error.BadRequestException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;

/** Reads the public key a user registers: one line of a {@code .pub} file, checked as OpenSSH's sshd would. */
final class PublicKeys {
    private static final int MAX_LENGTH = 16 * 1024;
    private static final int MIN_RSA_BITS = 2048;
    /** What OpenSSH 9 accepts by default; DSA and short RSA keys are refused as it refuses them. */
    private static final Set<String> TYPES = Set.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521", "ssh-rsa", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com");

    /**
     * A parsed key.
     *
     * @param canonical   {@code type base64}, what is stored and compared
     * @param comment     the line's comment (after the key), or null
     * @param fingerprint {@code SHA256:...}
     */
    record Parsed(PublicKey key, String type, String canonical, String comment, String fingerprint) {}

    private PublicKeys() {}

    static Parsed parse(String line) {
        if (line == null || line.isBlank()) {
            throw invalid("'public_key' is required: one line of a .pub file, e.g. the contents of ~/.ssh/id_ed25519.pub");
        }
        String text = line.strip();
        if (text.length() > MAX_LENGTH) {
            throw invalid("'public_key' is longer than " + MAX_LENGTH + " characters; give one public key line");
        }
        if (text.contains("PRIVATE KEY")) {
            throw invalid("'public_key' holds a private key; give the public key (the .pub file) and keep the private"
                    + " key to yourself");
        }
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw invalid("'public_key' must be one line (one key)");
        }
        String[] parts = text.split("\\s+", 3);
        String type = parts[0];
        if (!TYPES.contains(type)) {
            throw invalid("'public_key' must start with its key type, one of " + String.join(", ", TYPES.stream()
                    .sorted().toList()) + " (got '" + abbreviate(type) + "'; authorized_keys options are not taken)");
        }
        if (parts.length < 2) {
            throw invalid("'public_key' has no key data after '" + type + "'");
        }
        PublicKey key = decode(type + " " + parts[1]);
        String actual = KeyUtils.getKeyType(key);
        if (!type.equals(actual)) {
            throw invalid("'public_key' says '" + type + "' but holds a " + actual + " key");
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw invalid("'public_key' is an RSA key of " + rsa.getModulus().bitLength() + " bits; at least "
                    + MIN_RSA_BITS + " are needed (or use ssh-keygen -t ed25519)");
        }
        String comment = parts.length > 2 ? parts[2].strip() : null;
        return new Parsed(key, type, PublicKeyEntry.toString(key), comment, fingerprint(key));
    }

    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }

    private static PublicKey decode(String entry) {
        try {
            PublicKey key = PublicKeyEntry.parsePublicKeyEntry(entry)
                    .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
            if (key == null) {
                throw invalid("'public_key' could not be decoded");
            }
            return key;
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
            throw invalid("'public_key' is not a valid OpenSSH public key (" + e.getMessage() + ")");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static BadRequestException invalid(String message) {
        return new BadRequestException("invalid_public_key", message);
    }
}
