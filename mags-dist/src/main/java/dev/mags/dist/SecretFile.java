package dev.mags.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The cluster's agent secret, read from a file (so that it does not show in the process list). */
final class SecretFile {
    private SecretFile() {}

    static String read(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("--agent-secret-file is required: a file holding the secret (16 or more "
                    + "characters) that control planes and agents share, e.g. made with: "
                    + "head -c 32 /dev/urandom | base64 > /etc/mags/agent-secret");
        }
        try {
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.length() < 16 || secret.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("the agent secret in " + file + " must be 16 or more printable "
                        + "characters without spaces");
            }
            return secret;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --agent-secret-file " + file + ": " + e.getMessage(), e);
        }
    }
}
