package dev.mags.bench;

import dev.mags.api.AccessInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The system's OpenSSH client ({@code ssh}, and {@code ssh-keygen} for its key), with the options mags' own
 * clients give it ({@code mags ssh}, the Python and Node SDKs' exec): an Ed25519 key of its own and no other, a
 * known_hosts file of its own with trust on first use, no prompts, only errors on stderr.
 */
final class OpenSshClient {
    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private final Path key;
    private final Path knownHosts;

    private OpenSshClient(Path dir) {
        this.key = dir.resolve("id_ed25519");
        this.knownHosts = dir.resolve("known_hosts");
    }

    /** A client whose key pair is made in {@code dir} (created, 0700) with ssh-keygen. */
    static OpenSshClient create(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setAttribute(dir, "unix:mode", 0700);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OpenSshClient client = new OpenSshClient(dir);
        Sh.must("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mags-bench", "-f", client.key.toString());
        return client;
    }

    /** The public key's line, as the server registers it. */
    String publicKeyLine() {
        try {
            return Files.readString(key.resolveSibling("id_ed25519.pub")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code command} in the sandbox {@code access} names, through the gateway: ssh's exit code and times. */
    Sh.Result run(AccessInfo access, String command) {
        List<String> argv = List.of("ssh", "-i", key.toString(), "-p", Integer.toString(access.sshPort()),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "StrictHostKeyChecking=accept-new", "-o", "LogLevel=ERROR", "--",
                access.sshUser() + "@" + access.sshHost(), command);
        return Sh.run(argv, Map.of(), TIMEOUT);
    }
}
