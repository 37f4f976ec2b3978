package dev.mags.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One of a user's SSH public keys.
 *
 * @param fingerprint SHA-256 fingerprint as {@code ssh-keygen -l} prints it: {@code SHA256:...}
 */
public record SshKeyInfo(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("fingerprint") String fingerprint,
        @JsonProperty("created_at") Instant createdAt) {}
