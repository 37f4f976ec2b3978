package dev.mags.agent.reconcile;

import dev.mags.agent.cgroup.CgroupTree;
import dev.mags.agent.disk.LoopDevice;
import dev.mags.agent.disk.Losetup;
import dev.mags.agent.rootfs.Mount;
import dev.mags.agent.rootfs.MountEntry;
import dev.mags.agent.runtime.ContainerState;
import dev.mags.agent.runtime.Runc;
import dev.mags.agent.sandbox.SandboxPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every sandbox resource found on the host, each carrying its container id: the runtime's containers
 * under its root (and state it left of containers it never finished creating), mounts under the
 * sandboxes directory, sandboxes' disk images ({@code <id>.img} in the disks directory) and loop devices
 * whose backing file is one of them (or, as an earlier layout had it, in a sandbox directory), cgroup
 * directories under the cgroup parent, and the sandbox directories themselves. A container's id is the sandbox id of the job it
 * was built for, or a warm pool member's own id; {@code labels} maps a pool member that was handed to
 * a job to that job's sandbox id. What could not be looked at is listed in {@code problems}.
 */
public record HostInventory(
        List<ContainerState> containers,
        List<String> staleRuntimeStates,
        List<MountEntry> mounts,
        List<LoopDevice> loopDevices,
        Map<String, List<Path>> cgroupDirs,
        List<Path> sandboxDirs,
        List<Path> diskImages,
        Map<String, String> labels,
        List<String> problems,
        Path sandboxesDir,
        Path disksDir) {

    public static HostInventory scan(Runc runc, Mount mount, Losetup losetup, CgroupTree cgroups, String cgroupParent,
            Path sandboxesDir, Path disksDir) {
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
        List<LoopDevice> loops = List.of();
        try {
            loops = new ArrayList<>(losetup.backedBelow(disksDir));
            losetup.backedBelow(sandboxesDir).stream()
                    .filter(d -> !d.backingFile().equals(sandboxesDir))
                    .forEach(loops::add);
        } catch (RuntimeException e) {
            problems.add("cannot list the loop devices: " + e.getMessage());
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
        List<Path> images = List.of();
        if (Files.isDirectory(disksDir)) {
            try (Stream<Path> children = Files.list(disksDir)) {
                images = children.filter(p -> p.getFileName().toString().endsWith(SandboxPaths.DISK_IMAGE_SUFFIX))
                        .sorted().toList();
            } catch (IOException e) {
                problems.add("cannot list " + disksDir + ": " + e.getMessage());
            }
        }
        return new HostInventory(containers, staleStates, mounts, loops, cgroupDirs, dirs, images, labels(dirs), problems,
                sandboxesDir, disksDir);
    }

    private static Map<String, String> labels(List<Path> dirs) {
        Map<String, String> labels = new TreeMap<>();
        for (Path dir : dirs) {
            try {
                String label = Files.readString(dir.resolve(SandboxPaths.LABEL_FILE)).strip();
                if (!label.isEmpty()) {
                    labels.put(dir.getFileName().toString(), label);
                }
            } catch (NoSuchFileException e) {
                // not handed to a job (yet)
            } catch (IOException e) {
                // unreadable: the container's own id will do
            }
        }
        return labels;
    }

    /** The container a mount belongs to: the first path element below the sandboxes directory. */
    public String sandboxIdOf(MountEntry m) {
        return firstElementBelow(m.mountPoint());
    }

    /** The container a loop device belongs to, by its backing file. */
    public String sandboxIdOf(LoopDevice d) {
        return d.backingFile().startsWith(disksDir) ? sandboxIdOfImage(d.backingFile()) : firstElementBelow(d.backingFile());
    }

    /** The container a disk image in the disks directory belongs to: its name without the suffix. */
    public static String sandboxIdOfImage(Path image) {
        String name = image.getFileName().toString();
        return name.endsWith(SandboxPaths.DISK_IMAGE_SUFFIX)
                ? name.substring(0, name.length() - SandboxPaths.DISK_IMAGE_SUFFIX.length()) : name;
    }

    private String firstElementBelow(Path path) {
        Path relative = sandboxesDir.relativize(path);
        return relative.getNameCount() == 0 || relative.toString().isEmpty() ? "" : relative.getName(0).toString();
    }

    /** The job's sandbox id a container was handed to, or the container id itself. */
    public String jobOf(String containerId) {
        return labels.getOrDefault(containerId, containerId);
    }

    /** Every container id that has anything on the host. */
    public Set<String> sandboxIds() {
        Set<String> ids = new TreeSet<>();
        containers.forEach(c -> ids.add(c.id()));
        ids.addAll(staleRuntimeStates);
        mounts.forEach(m -> ids.add(sandboxIdOf(m)));
        loopDevices.forEach(d -> ids.add(sandboxIdOf(d)));
        ids.addAll(cgroupDirs.keySet());
        sandboxDirs.forEach(d -> ids.add(d.getFileName().toString()));
        diskImages.forEach(d -> ids.add(sandboxIdOfImage(d)));
        return ids;
    }

    /** Each resource, described for a person; empty when the host is clean. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>(problems);
        containers.forEach(c -> lines.add("container " + c.id() + " (" + c.status() + ", pid " + c.pid() + ")" + job(c.id())));
        staleRuntimeStates.forEach(id -> lines.add("runtime state of a half-created container " + id));
        mounts.forEach(m -> lines.add("mount " + m.fsType() + " " + m.source() + " on " + m.mountPoint()));
        loopDevices.forEach(d -> lines.add("loop device " + d.device() + " on " + d.backingFile()));
        cgroupDirs.values().forEach(ds -> ds.forEach(d -> lines.add("cgroup directory " + d)));
        sandboxDirs.forEach(d -> lines.add("sandbox directory " + d + job(d.getFileName().toString())));
        diskImages.forEach(d -> lines.add("sandbox disk image " + d + job(sandboxIdOfImage(d))));
        return lines;
    }

    private String job(String containerId) {
        String label = labels.get(containerId);
        return label == null || label.equals(containerId) ? "" : " (sandbox " + label + ")";
    }
}
