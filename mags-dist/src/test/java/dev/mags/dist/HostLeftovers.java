package dev.mags.dist;

import dev.mags.agent.HostLeaks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a stopped magsd left on the host, looked for everywhere rather than where magsd keeps things: the agent's
 * own scan ({@link HostLeaks}: containers in its runtime root, mounts, loop devices, cgroups, sandbox directories,
 * slirp4netns), then every mount whose point or source lies in the data dir (its two tmpfs included) and every
 * namespace file mounted for one of its sandboxes, every loop device backed by a file in the data dir, every
 * process whose command line, working directory, root or executable lies in the data dir or that sits in a cgroup
 * under the server's cgroup parent, and the cgroup parent itself (the fixture removes it when empty).
 */
final class HostLeftovers {
    private HostLeftovers() {}

    /** One line per leftover; {@code sandboxIds} are the ids of the jobs the server ran (its sandboxes' names). */
    static List<String> of(MagsdFixture magsd, Collection<String> sandboxIds) {
        String data = magsd.dataDir.toAbsolutePath().toString();
        List<String> leaks = new ArrayList<>(HostLeaks.scan(magsd.agentConfig()));
        leaks.addAll(mounts(data, sandboxIds));
        leaks.addAll(loopDevices(data));
        leaks.addAll(processes(data, magsd.cgroupParent));
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            controllers.map(c -> c.resolve(magsd.cgroupParent)).filter(Files::isDirectory)
                    .forEach(d -> leaks.add("cgroup parent " + d + " (not empty)"));
        } catch (IOException e) {
            leaks.add("cannot list /sys/fs/cgroup: " + e);
        }
        return leaks;
    }

    private static List<String> mounts(String data, Collection<String> sandboxIds) {
        List<String> found = new ArrayList<>();
        for (String line : lines(Path.of("/proc/self/mountinfo"))) {
            // "id parent major:minor root mountpoint options ... - fstype source superoptions"
            String[] f = line.split(" ");
            String point = unescape(f[4]);
            String[] after = line.substring(line.indexOf(" - ") + 3).split(" ");
            String type = after[0];
            String source = after.length > 1 ? unescape(after[1]) : "";
            boolean namespaceOfOurs = type.equals("nsfs") && sandboxIds.stream().anyMatch(point::contains);
            if (point.startsWith(data) || source.startsWith(data) || namespaceOfOurs) {
                found.add("mount " + type + " " + source + " on " + point);
            }
        }
        return found;
    }

    private static List<String> loopDevices(String data) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> blocks = Files.list(Path.of("/sys/block"))) {
            for (Path loop : blocks.filter(b -> b.getFileName().toString().startsWith("loop")).toList()) {
                Path backing = loop.resolve("loop/backing_file");
                if (Files.exists(backing)) {
                    String file = lines(backing).stream().findFirst().orElse("");
                    if (file.startsWith(data)) {
                        found.add("loop device /dev/" + loop.getFileName() + " on " + file);
                    }
                }
            }
        } catch (IOException e) {
            found.add("cannot list /sys/block: " + e);
        }
        return found;
    }

    private static List<String> processes(String data, String cgroupParent) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ').strip();
                    List<String> where = new ArrayList<>();
                    if (cmdline.contains(data)) {
                        where.add("command line");
                    }
                    for (String link : List.of("cwd", "root", "exe")) {
                        if (target(p.resolve(link)).startsWith(data)) {
                            where.add(link);
                        }
                    }
                    if (Files.readString(p.resolve("cgroup")).contains("/" + cgroupParent + "/")) {
                        where.add("cgroup");
                    }
                    if (!where.isEmpty()) {
                        found.add("process " + p.getFileName() + " (" + cmdline + ") by its " + String.join(", ", where));
                    }
                } catch (IOException gone) {
                    // ended while we looked
                }
            }
        } catch (IOException e) {
            found.add("cannot list /proc: " + e);
        }
        return found;
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return ""; // a kernel thread, a zombie, or gone
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Mount tables write space, tab, newline and backslash as octal escapes. */
    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
