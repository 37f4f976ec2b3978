package dev.mags.controlplane.ssh;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the SSH gateway.
 *
 * @param host        address it listens on ({@code --ssh-listen})
 * @param port        port it listens on (0 picks a free one)
 * @param hostKeyFile the gateway's Ed25519 host key (OpenSSH format, mode 0600), created on first start; kept
 *                    in the data dir so that clients' known_hosts stay valid across restarts
 */
public record SshGatewayConfig(String host, int port, Path hostKeyFile) {
    public SshGatewayConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(hostKeyFile, "hostKeyFile");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("SSH port " + port + " is out of range 0-65535");
        }
    }
}
