package dev.mags.agent;

import dev.mags.agent.reconcile.HostInventory;
import java.util.List;

/**
 * Lists what sandboxes of an agent configuration (warm pool members included) left on the host:
 * runtime containers under its runtime root, mounts under its sandboxes directory, sandbox disk images and
 * the loop devices on them, cgroup directories under its cgroup parent, sandbox directories, and loop devices on workspace disks (the disks themselves are kept on purpose). For tests that assert "nothing left behind" and for operators.
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
        // Workspace disks are kept on purpose; attached to a loop device while no sandbox runs, they are not.
        try {
            host.losetup().backedBelow(config.workspacesDir())
                    .forEach(d -> leaks.add("loop device " + d.device() + " on workspace disk " + d.backingFile()));
        } catch (RuntimeException e) {
            leaks.add("cannot list the loop devices on workspace disks: " + e.getMessage());
        }
        return leaks;
    }

    static HostInventory inventory(AgentConfig config, HostAccess host) {
        return HostInventory.scan(host.runc(config), host.mount(), host.losetup(), host.cgroups(),
                config.cgroupParent(), config.sandboxesDir(), config.sandboxDisksDir());
    }
}
