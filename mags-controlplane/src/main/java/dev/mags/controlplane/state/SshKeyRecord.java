package dev.mags.controlplane.state;

import java.time.Instant;

/**
 * A user's SSH public key as stored.
 *
 * @param publicKey   canonical OpenSSH form, {@code type base64}, without comment
 * @param fingerprint {@code SHA256:...}, as {@code ssh-keygen -l} prints it; unique over all users
 */
public record SshKeyRecord(String id, String userId, String name, String publicKey, String fingerprint,
                           Instant createdAt) {}
