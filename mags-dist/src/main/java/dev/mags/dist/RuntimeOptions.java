package dev.mags.dist;

import dev.mags.agent.network.EgressPolicy;
import picocli.CommandLine.Option;

/** How a host runs sandboxes: the OCI runtime, the cgroup they go under, the warm pool, the network they may
 * reach. Options of the processes that run an agent ({@code serve}, {@code agent}). */
final class RuntimeOptions {
    @Option(names = "--runtime", defaultValue = "${env:MAGS_RUNTIME:-runc}",
            description = "OCI runtime binary (env MAGS_RUNTIME, default ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--cgroup-parent", defaultValue = "${env:MAGS_CGROUP_PARENT:-mags}",
            description = "cgroup under which sandboxes get theirs (env MAGS_CGROUP_PARENT, default ${DEFAULT-VALUE}); "
                    + "give each server on a host its own.")
    String cgroupParent;

    @Option(names = "--warm-pool-size", defaultValue = "${env:MAGS_WARM_POOL_SIZE:-2}",
            description = "Sandboxes of the default image kept started in advance, so that jobs skip creating one"
                    + " (env MAGS_WARM_POOL_SIZE, default ${DEFAULT-VALUE}; 0 disables).")
    int warmPoolSize;

    @Option(names = "--egress-allow", defaultValue = "${env:MAGS_EGRESS_ALLOW:-}",
            description = "Comma-separated CIDRs sandboxes may reach although they are private, e.g. an internal"
                    + " package mirror (env MAGS_EGRESS_ALLOW; default none). The host itself stays unreachable.")
    String egressAllow;

    @Option(names = "--egress-deny", defaultValue = "${env:MAGS_EGRESS_DENY}",
            description = "Comma-separated CIDRs sandboxes may not reach (env MAGS_EGRESS_DENY; default every"
                    + " non-public IPv4 range: 10/8, 172.16/12, 192.168/16, 100.64/10, 169.254/16, ...).")
    String egressDeny;

    EgressPolicy egressPolicy() {
        EgressPolicy base = egressDeny == null ? EgressPolicy.defaults() : EgressPolicy.parse(egressDeny, "");
        return base.withAllowed(EgressPolicy.parse("", egressAllow).allowed());
    }
}
