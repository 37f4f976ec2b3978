package dev.mags.agent;

import dev.mags.agent.reconcile.HostInventory;
import java.util.List;

/**
 * Lists what sandboxes of an agent configuration (warm pool members included) left on the host:
 * runtime containers under its runtime root, mounts under its sandboxes directory, loop devices
 * whose backing files are there, cgroup directories under its cgroup parent, and sandbox directories. For tests that assert "nothing left behind" and for operators.
 */
public final class HostLeaks {
    private HostLeaks() {}

    /** One line per leftover (or per part of the host that could not be inspected); empty when clean. */
    public static List<String> scan(AgentConfig config) {
        return scan(config, HostAccess.system());
    }

    public static List<String> scan(AgentConfig config, HostAccess host) {
        List<String> leaks = new java.util.ArrayList<>(inventory(config, host).describe());
        leaks.addAll(host.networkReaper().leaks(config.sandboxesDir()));
        return leaks;
    }

    static HostInventory inventory(AgentConfig config, HostAccess host) {
        return HostInventory.scan(host.runc(config), host.mount(), host.losetup(), host.cgroups(),
                config.cgroupParent(), config.sandboxesDir());
    }
}
