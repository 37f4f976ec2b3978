package dev.mags.bench;

import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.sdk.Mags;
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
 * Host memory per idle sandbox beyond the workload's own: with {@code n} sandboxes running
 * {@code sleep}, the proportional set size of every process magsd started for them (runtime,
 * network helper, the sandbox's init) — but not of the {@code sleep} workload itself — plus the
 * kernel memory charged to the sandboxes' memory cgroups, divided by n. Summing what belongs to
 * the sandboxes, rather than watching the host's free memory, keeps other load on the machine out
 * of the figure.
 */
final class Density {
    private static final String WORKLOAD = "sleep 600";

    private Density() {}

    static double mibPerSandbox(Magsd magsd, int n) {
        try (Mags mags = Bench.client(magsd)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(mags.run(JobRequest.inline(WORKLOAD)).requestId());
            }
            long deadline = System.nanoTime() + 120_000_000_000L;
            for (String id : ids) {
                while (mags.status(id).status() == JobStatus.PENDING && System.nanoTime() < deadline) {
                    Bench.sleep(50);
                }
            }
            Bench.sleep(2000);
            long bytes = overheadBytes(magsd.pid()) + kernelBytes(magsd.cgroupParent());
            for (String id : ids) {
                mags.stop(id);
            }
            for (String id : ids) {
                while (!mags.status(id).status().isFinal() && System.nanoTime() < deadline + 60_000_000_000L) {
                    Bench.sleep(50);
                }
            }
            return bytes / 1024.0 / 1024.0 / n;
        }
    }

    /** PSS of magsd's descendants (not magsd itself), except the workload processes. */
    private static long overheadBytes(long magsdPid) {
        Map<Long, List<Long>> children = new HashMap<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    long ppid = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
                    children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(Long.parseLong(name));
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        long total = 0;
        Set<Long> seen = new HashSet<>();
        List<Long> todo = new ArrayList<>(children.getOrDefault(magsdPid, List.of()));
        while (!todo.isEmpty()) {
            long pid = todo.removeLast();
            if (!seen.add(pid)) {
                continue;
            }
            todo.addAll(children.getOrDefault(pid, List.of()));
            if (!cmdline(pid).equals(WORKLOAD)) {
                total += pssBytes(pid);
            }
        }
        return total;
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
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
