package dev.mags.agent.reconcile;

import dev.mags.agent.cgroup.CgroupTree;
import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.rootfs.MountEntry;
import dev.mags.agent.runtime.ContainerState;
import dev.mags.agent.runtime.Runc;
import dev.mags.protocol.v1.ReconcileReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes what sandboxes left on the host that are no longer wanted, e.g. after the agent crashed:
 * containers first (killing their processes frees the mounts and cgroups), then mounts, then cgroup
 * directories, then sandbox directories. Keeps going past failures and reports each one.
 */
public final class Reconciler {
    private final Runc runc;
    private final Mount mount;
    private final CgroupTree cgroups;
    private final String cgroupParent;
    private final Path sandboxesDir;

    public Reconciler(Runc runc, Mount mount, CgroupTree cgroups, String cgroupParent, Path sandboxesDir) {
        this.runc = runc;
        this.mount = mount;
        this.cgroups = cgroups;
        this.cgroupParent = cgroupParent;
        this.sandboxesDir = sandboxesDir;
    }

    public ReconcileReport reconcile(Set<String> keep) {
        Set<String> reaped = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        HostInventory before = HostInventory.scan(runc, mount, cgroups, cgroupParent, sandboxesDir);
        problems.addAll(before.problems());
        for (ContainerState c : before.containers()) {
            if (!keep.contains(c.id())) {
                attempt(c.id(), "container", reaped, problems, () -> removeContainer(c.id()));
            }
        }
        for (String id : before.staleRuntimeStates()) {
            if (!keep.contains(id)) {
                attempt(id, "runtime state", reaped, problems, () -> runc.removeStaleState(id));
            }
        }
        for (MountEntry m : before.mounts()) {
            String id = before.sandboxIdOf(m);
            if (!keep.contains(id)) {
                attempt(id, "mount " + m.mountPoint(), reaped, problems, () -> mount.unmount(m.mountPoint()));
            }
        }
        // Scan again: the runtime removes cgroups itself when it deletes a container.
        HostInventory after = HostInventory.scan(runc, mount, cgroups, cgroupParent, sandboxesDir);
        for (String id : after.cgroupDirs().keySet()) {
            if (!keep.contains(id)) {
                attempt(id, "cgroups", reaped, problems, () -> cgroups.remove(cgroupParent, id));
            }
        }
        Set<String> stillMounted = new TreeSet<>();
        after.mounts().forEach(m -> stillMounted.add(after.sandboxIdOf(m)));
        for (Path dir : after.sandboxDirs()) {
            String id = dir.getFileName().toString();
            if (keep.contains(id)) {
                continue;
            }
            if (stillMounted.contains(id)) {
                problems.add("sandbox " + id + ": directory " + dir + " kept because something is still mounted in it");
            } else {
                attempt(id, "directory " + dir, reaped, problems, () -> DirectoryTree.delete(dir));
            }
        }
        return new ReconcileReport(List.copyOf(reaped), problems);
    }

    private interface Action {
        void run() throws IOException;
    }

    private static void attempt(String id, String what, Set<String> reaped, List<String> problems, Action action) {
        try {
            action.run();
            reaped.add(id);
        } catch (IOException | RuntimeException e) {
            problems.add("sandbox " + id + ": cannot remove " + what + ": " + e.getMessage());
        }
    }

    private void removeContainer(String id) {
        try {
            runc.kill(id, "KILL");
        } catch (CommandFailedException e) {
            // Already stopped: only the delete is needed.
        }
        runc.deleteForce(id);
    }
}
