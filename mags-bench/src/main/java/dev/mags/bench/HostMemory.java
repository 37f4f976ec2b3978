package dev.mags.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The host memory a magsd's sandboxes hold beyond their workload's own: the proportional set size of every process
 * that belongs to them — magsd's descendants (runtime, network helper) and every process in a cgroup of theirs (the
 * sandbox's init and shells, which runc leaves to the host's init, not to magsd) — except the workload processes,
 * plus the kernel memory charged to the sandboxes' memory cgroups. Summing what belongs to the sandboxes, rather
 * than watching the host's free memory, keeps other load on the machine out of the figure.
 */
final class HostMemory {
    private HostMemory() {}

    /** Bytes held for magsd's sandboxes now; processes whose command line is {@code workload} are left out. */
    static long sandboxBytes(Magsd magsd, String workload) {
        return processBytes(magsd.pid(), magsd.cgroupParent(), workload) + kernelBytes(magsd.cgroupParent());
    }

    /** A process as /proc shows it: its parent, its cgroup lines and its command line (words joined by spaces). */
    record Proc(long pid, long ppid, String cgroup, String cmdline) {}

    private static long processBytes(long magsdPid, String cgroupParent, String workload) {
        long total = 0;
        for (long pid : sandboxProcesses(processes(), magsdPid, cgroupParent, workload)) {
            total += pssBytes(pid);
        }
        return total;
    }

    /**
     * The processes that belong to magsd's sandboxes: magsd's descendants and every process in a cgroup beneath
     * {@code cgroupParent}, with their descendants, except those whose command line is {@code workload}.
     */
    static Set<Long> sandboxProcesses(List<Proc> procs, long magsdPid, String cgroupParent, String workload) {
        Map<Long, List<Long>> children = new HashMap<>();
        Map<Long, String> cmdlines = new HashMap<>();
        List<Long> todo = new ArrayList<>();
        for (Proc p : procs) {
            children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p.pid());
            cmdlines.put(p.pid(), p.cmdline());
            if (p.cgroup().contains(":/" + cgroupParent + "/")) {
                todo.add(p.pid());
            }
        }
        todo.addAll(children.getOrDefault(magsdPid, List.of()));
        Set<Long> seen = new HashSet<>();
        Set<Long> found = new HashSet<>();
        while (!todo.isEmpty()) {
            long pid = todo.removeLast();
            if (!seen.add(pid)) {
                continue;
            }
            todo.addAll(children.getOrDefault(pid, List.of()));
            if (!cmdlines.get(pid).equals(workload)) {
                found.add(pid);
            }
        }
        return found;
    }

    private static List<Proc> processes() {
        List<Proc> procs = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path p : dirs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    long ppid = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ').strip();
                    procs.add(new Proc(Long.parseLong(name), ppid, Files.readString(p.resolve("cgroup")), cmdline));
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return procs;
    }

    private static long pssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException gone) {
            // ended
        }
        return 0;
    }

    /** Kernel memory (page tables, dentries, sockets...) charged to the sandboxes' memory cgroups. */
    private static long kernelBytes(String cgroupParent) {
        long total = 0;
        try (var sandboxes = Files.list(Path.of("/sys/fs/cgroup/memory", cgroupParent))) {
            for (Path cg : sandboxes.filter(Files::isDirectory).toList()) {
                try {
                    total += Long.parseLong(Files.readString(cg.resolve("memory.kmem.usage_in_bytes")).strip());
                } catch (IOException | RuntimeException gone) {
                    // removed meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return total;
    }
}
