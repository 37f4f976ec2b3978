package dev.mags.controlplane.ssh;

import java.security.PublicKey;
import java.util.Optional;

/** Which user a public key belongs to: what the gateway authenticates with. */
@FunctionalInterface
public interface SshUserKeys {
    /** The id of the user who registered {@code key}, or empty for a key nobody registered. */
    Optional<String> userOf(PublicKey key);
}
