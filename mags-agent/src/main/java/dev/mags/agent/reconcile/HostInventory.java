package dev.mags.agent.reconcile;

import dev.mags.agent.cgroup.CgroupTree;
import dev.mags.agent.rootfs.MountEntry;
import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.runtime.ContainerState;
import dev.mags.agent.runtime.Runc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every sandbox resource found on the host, each carrying its sandbox id: the runtime's containers
 * under its root (and state it left of containers it never finished creating), mounts under the sandboxes directory, cgroup directories under the cgroup parent,
 * and the sandbox directories themselves. What could not be looked at is listed in {@code problems}.
 */
public record HostInventory(
        List<ContainerState> containers,
        List<String> staleRuntimeStates,
        List<MountEntry> mounts,
        Map<String, List<Path>> cgroupDirs,
        List<Path> sandboxDirs,
        List<String> problems,
        Path sandboxesDir) {

    public static HostInventory scan(Runc runc, Mount mount, CgroupTree cgroups, String cgroupParent, Path sandboxesDir) {
        List<String> problems = new ArrayList<>();
        List<ContainerState> containers = List.of();
        List<String> staleStates = List.of();
        try {
            containers = runc.list();
            Set<String> known = new TreeSet<>();
            containers.forEach(c -> known.add(c.id()));
            staleStates = runc.stateDirectoryIds().stream().filter(id -> !known.contains(id)).toList();
        } catch (RuntimeException e) {
            problems.add("cannot list the runtime's containers under " + runc.root() + ": " + e.getMessage());
        }
        List<MountEntry> mounts = List.of();
        try {
            // Strictly below: an operator may mount a file system on the sandboxes directory itself.
            mounts = mount.mountsUnder(sandboxesDir).stream()
                    .filter(m -> !m.mountPoint().equals(sandboxesDir))
                    .toList();
        } catch (RuntimeException e) {
            problems.add("cannot read the mount table: " + e.getMessage());
        }
        Map<String, List<Path>> cgroupDirs = Map.of();
        try {
            cgroupDirs = cgroups.sandboxDirs(cgroupParent);
        } catch (RuntimeException e) {
            problems.add("cannot list cgroups under " + cgroupParent + ": " + e.getMessage());
        }
        List<Path> dirs = List.of();
        if (Files.isDirectory(sandboxesDir)) {
            try (Stream<Path> children = Files.list(sandboxesDir)) {
                dirs = children.sorted().toList();
            } catch (IOException e) {
                problems.add("cannot list " + sandboxesDir + ": " + e.getMessage());
            }
        }
        return new HostInventory(containers, staleStates, mounts, cgroupDirs, dirs, problems, sandboxesDir);
    }

    /** The sandbox a mount belongs to: the first path element below the sandboxes directory. */
    public String sandboxIdOf(MountEntry m) {
        Path relative = sandboxesDir.relativize(m.mountPoint());
        return relative.getNameCount() == 0 || relative.toString().isEmpty() ? "" : relative.getName(0).toString();
    }

    /** Every sandbox id that has anything on the host. */
    public Set<String> sandboxIds() {
        Set<String> ids = new TreeSet<>();
        containers.forEach(c -> ids.add(c.id()));
        ids.addAll(staleRuntimeStates);
        mounts.forEach(m -> ids.add(sandboxIdOf(m)));
        ids.addAll(cgroupDirs.keySet());
        sandboxDirs.forEach(d -> ids.add(d.getFileName().toString()));
        return ids;
    }

    /** Each resource, described for a person; empty when the host is clean. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>(problems);
        containers.forEach(c -> lines.add("container " + c.id() + " (" + c.status() + ", pid " + c.pid() + ")"));
        staleRuntimeStates.forEach(id -> lines.add("runtime state of a half-created container " + id));
        mounts.forEach(m -> lines.add("mount " + m.fsType() + " " + m.source() + " on " + m.mountPoint()));
        cgroupDirs.values().forEach(ds -> ds.forEach(d -> lines.add("cgroup directory " + d)));
        sandboxDirs.forEach(d -> lines.add("sandbox directory " + d));
        return lines;
    }
}
