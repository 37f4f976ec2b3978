package dev.mags.agent.reconcile;

import dev.mags.agent.cgroup.CgroupTree;
import dev.mags.agent.disk.LoopDevice;
import dev.mags.agent.disk.Losetup;
import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.rootfs.DirectoryTree;
import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.rootfs.MountEntry;
import dev.mags.agent.runtime.ContainerState;
import dev.mags.agent.runtime.Runc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes what sandboxes left on the host that are no longer wanted, e.g. after the agent crashed:
 * containers first (killing their processes frees the mounts and cgroups), then mounts (overlay roots
 * before the disks under them), then loop devices, then cgroup directories, then disk images and sandbox
 * directories.
 * Warm pool members are containers like any other; one that was handed to a job is kept when that
 * job's sandbox id is kept, and reported by it. Keeps going past failures and reports each one.
 */
public final class Reconciler {
    private final Runc runc;
    private final Mount mount;
    private final Losetup losetup;
    private final CgroupTree cgroups;
    private final String cgroupParent;
    private final Path sandboxesDir;
    private final Path disksDir;
    private final Path workspacesDir;

    /** A reconciler that also detaches loop devices left on workspace disks (never deleting the disks). */
    public Reconciler(Runc runc, Mount mount, Losetup losetup, CgroupTree cgroups, String cgroupParent, Path sandboxesDir,
            Path disksDir, Path workspacesDir) {
        this.runc = runc;
        this.mount = mount;
        this.losetup = losetup;
        this.cgroups = cgroups;
        this.cgroupParent = cgroupParent;
        this.sandboxesDir = sandboxesDir;
        this.disksDir = disksDir;
        this.workspacesDir = workspacesDir;
    }

    private HostInventory scan() {
        return HostInventory.scan(runc, mount, losetup, cgroups, cgroupParent, sandboxesDir, disksDir);
    }

    /** @param keep container ids, or sandbox ids of jobs, whose resources stay */
    public Reaped reconcile(Set<String> keep) {
        Set<String> reaped = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        HostInventory before = scan();
        problems.addAll(before.problems());
        Kept kept = new Kept(keep, before);
        for (ContainerState c : before.containers()) {
            if (!kept.contains(c.id())) {
                attempt(kept.job(c.id()), "container", reaped, problems, () -> removeContainer(c.id()));
            }
        }
        for (String id : before.staleRuntimeStates()) {
            if (!kept.contains(id)) {
                attempt(kept.job(id), "runtime state", reaped, problems, () -> runc.removeStaleState(id));
            }
        }
        List<MountEntry> mounts = before.mounts().stream()
                .sorted(Comparator.comparing((MountEntry m) -> !m.fsType().equals("overlay")))
                .toList();
        for (MountEntry m : mounts) {
            String id = before.sandboxIdOf(m);
            if (!kept.contains(id)) {
                attempt(kept.job(id), "mount " + m.mountPoint(), reaped, problems, () -> mount.unmount(m.mountPoint()));
            }
        }
        // Scan again: unmounting detaches auto-clear loop devices, and the runtime removes cgroups itself
        // when it deletes a container.
        HostInventory after = scan();
        for (LoopDevice d : after.loopDevices()) {
            String id = after.sandboxIdOf(d);
            if (!kept.contains(id)) {
                attempt(kept.job(id), "loop device " + d.device(), reaped, problems, () -> losetup.detach(d.device()));
            }
        }
        detachWorkspaceLoops(after, problems);
        for (String id : after.cgroupDirs().keySet()) {
            if (!kept.contains(id)) {
                attempt(kept.job(id), "cgroups", reaped, problems, () -> cgroups.remove(cgroupParent, id));
            }
        }
        Set<String> stillMounted = new TreeSet<>();
        after.mounts().forEach(m -> stillMounted.add(after.sandboxIdOf(m)));
        removeDiskImages(after, kept, reaped, problems);
        for (Path dir : after.sandboxDirs()) {
            String id = dir.getFileName().toString();
            if (kept.contains(id)) {
                continue;
            }
            if (stillMounted.contains(id)) {
                problems.add("sandbox " + kept.job(id) + ": directory " + dir + " kept because something is still mounted in it");
            } else {
                attempt(kept.job(id), "directory " + dir, reaped, problems, () -> DirectoryTree.delete(dir));
            }
        }
        return new Reaped(List.copyOf(reaped), problems);
    }

    /** Deletes the disk images of sandboxes not kept; one a loop device still backs onto stays and is reported. */
    private void removeDiskImages(HostInventory after, Kept kept, Set<String> reaped, List<String> problems) {
        Set<String> stillAttached = new TreeSet<>();
        try {
            losetup.backedBelow(disksDir).forEach(d -> stillAttached.add(after.sandboxIdOf(d)));
        } catch (RuntimeException e) {
            problems.add("cannot list the loop devices on sandbox disks: " + e.getMessage());
            after.diskImages().forEach(i -> stillAttached.add(HostInventory.sandboxIdOfImage(i)));
        }
        for (Path image : after.diskImages()) {
            String id = HostInventory.sandboxIdOfImage(image);
            if (kept.contains(id)) {
                continue;
            }
            if (stillAttached.contains(id)) {
                problems.add("sandbox " + kept.job(id) + ": disk image " + image + " kept because a loop device still backs onto it");
            } else {
                attempt(kept.job(id), "disk image " + image, reaped, problems, () -> Files.deleteIfExists(image));
            }
        }
    }

    /**
     * A workspace disk is mounted only in a sandbox directory; a loop device on one that backs no mount
     * there is a leftover (its sandbox was reaped above, or died mid-release). The disk itself stays.
     */
    private void detachWorkspaceLoops(HostInventory after, List<String> problems) {
        if (workspacesDir == null) {
            return;
        }
        Set<String> mounted = new TreeSet<>();
        after.mounts().forEach(m -> mounted.add(m.source()));
        try {
            for (LoopDevice d : losetup.backedBelow(workspacesDir)) {
                if (!mounted.contains(d.device())) {
                    try {
                        losetup.detach(d.device());
                    } catch (RuntimeException e) {
                        problems.add("workspace disk " + d.backingFile() + ": cannot detach " + d.device() + ": "
                                + e.getMessage());
                    }
                }
            }
        } catch (RuntimeException e) {
            problems.add("cannot list the loop devices on workspace disks: " + e.getMessage());
        }
    }

    /** Which containers stay: named in keep themselves, or handed to a job named there. */
    private record Kept(Set<String> keep, HostInventory inventory) {
        boolean contains(String containerId) {
            return keep.contains(containerId) || keep.contains(inventory.jobOf(containerId));
        }

        String job(String containerId) {
            return inventory.jobOf(containerId);
        }
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
