package dev.mags.controlplane.ssh;

import dev.mags.api.AccessInfo;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.error.UnavailableException;
import java.util.Optional;
import java.util.Set;

/**
 * The SSH answer of {@code POST /mags-jobs/{id}/access} ({@code {"port": 22}}): where the gateway listens and
 * the login name that selects the sandbox, once the name is known to be the caller's. Other ports are public
 * URLs ({@code apps.AppUrls}).
 */
public final class SshAccess {
    public static final int SSH_PORT = 22;
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "");

    private record Endpoint(String host, int port, SshTargets targets) {}

    private volatile Endpoint endpoint;

    /** Called once the gateway listens; from then on access requests get its address. */
    public void attach(String host, int port, SshTargets targets) {
        endpoint = new Endpoint(host, port, targets);
    }

    public void detach() {
        endpoint = null;
    }

    /**
     * @param requestHost the host name the API was reached by: what a gateway listening on every address is
     *                    reached by too
     */
    public AccessInfo access(String userId, String name, Integer port, String requestHost) {
        if (port == null || port != SSH_PORT) {
            throw new BadRequestException("invalid_field", "'port' must be 22 for SSH");
        }
        Endpoint e = endpoint;
        if (e == null) {
            throw new UnavailableException("ssh_unavailable", "this server runs no SSH gateway");
        }
        Optional<SshTarget> target = e.targets().resolve(userId, name);
        if (target.isEmpty()) {
            throw new NotFoundException("no job or workspace named '" + name + "'");
        }
        target.get().close();
        String host = WILDCARDS.contains(e.host()) && requestHost != null ? requestHost : e.host();
        return AccessInfo.ssh(host, e.port(), name);
    }
}
