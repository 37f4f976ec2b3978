package dev.mags.dist;

import dev.mags.controlplane.metrics.MetricsAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@code --metrics-token-file}: the token remote Prometheus scrapers send, first line, trimmed. */
final class MetricsTokenFile {
    private MetricsTokenFile() {}

    static MetricsAccess access(Path file) {
        if (file == null) {
            return MetricsAccess.LOOPBACK_ONLY;
        }
        try {
            String token = Files.readString(file).strip();
            if (token.contains("\n") || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw new IllegalArgumentException("--metrics-token-file " + file + " must hold one token of printable "
                        + "ASCII characters on one line (e.g. from: openssl rand -hex 24)");
            }
            return new MetricsAccess(token);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --metrics-token-file " + file + ": " + e.getMessage(), e);
        }
    }
}
