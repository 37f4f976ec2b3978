package dev.mags.agent;

import dev.mags.agent.process.CommandFailedException;
import dev.mags.agent.process.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the host must offer before the agent can run sandboxes, checked up front so that the operator
 * gets one message saying what to install or do, instead of a failed first sandbox.
 */
public final class HostPreconditions {
    private HostPreconditions() {}

    /** @throws IllegalStateException listing every unmet precondition and its remedy */
    public static void check(AgentConfig config, CommandRunner runner) {
        List<String> problems = new ArrayList<>();
        if (!isRoot(Path.of("/proc/self/status"))) {
            problems.add("the agent must run as root (it mounts file systems and creates cgroups): start it as root");
        }
        try {
            // Running it proves more than finding it: it is on PATH (the same lookup as every later
            // call), executable, and for this architecture.
            runner.run(List.of(config.runtimeBinary(), "--version"), Duration.ofSeconds(10));
        } catch (CommandFailedException e) {
            problems.add("the OCI runtime '" + config.runtimeBinary() + "' cannot be run (" + e.getMessage()
                    + "): install it (Debian: apt-get install runc) or set the runtime binary to its full path");
        }
        try {
            runner.run(List.of("mkfs.ext4", "-V"), Duration.ofSeconds(10));
        } catch (CommandFailedException e) {
            problems.add("mkfs.ext4 cannot be run (" + e.getMessage() + "); every sandbox's disk is an ext4 file:"
                    + " install it (Debian: apt-get install e2fsprogs)");
        }
        if (!Files.isRegularFile(config.initBinary()) || !Files.isExecutable(config.initBinary())) {
            problems.add("there is no executable " + config.initBinary() + " to run each sandbox's init with:"
                    + " install a static busybox (Debian: apt-get install busybox-static) or set the init binary");
        } else {
            try {
                // It also makes each sandbox's user namespaces (SandboxUserNamespaces): its unshare must be there.
                runner.run(List.of(config.initBinary().toString(), "unshare", "--help"), Duration.ofSeconds(10));
            } catch (CommandFailedException e) {
                problems.add(config.initBinary() + " has no unshare applet (" + e.getMessage() + "), which makes each"
                        + " sandbox's user namespaces: install Debian's static busybox (apt-get install busybox-static)"
                        + " or set the init binary to one with unshare");
            }
        }
        unreachableBySandboxRoot(config).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("this host cannot run sandboxes: " + String.join("; ", problems));
        }
    }

    /**
     * The runtime sets up a sandbox's mounts as the sandbox's root, an unprivileged host uid: every
     * directory above the sandboxes directory must let others search it (o+x), or the sandboxes' root group
     * (g+x with that group, as magsd makes the data dir and the agent the sandboxes directory: 0710).
     */
    static Optional<String> unreachableBySandboxRoot(AgentConfig config) {
        for (Path dir = config.sandboxesDir(); dir != null; dir = dir.getParent()) {
            try {
                int mode = (int) Files.getAttribute(dir, "unix:mode");
                boolean byGroup = (mode & 0010) != 0 && (int) Files.getAttribute(dir, "unix:gid") == config.idMapping().start();
                if ((mode & 0001) == 0 && !byGroup) {
                    return Optional.of(String.format("sandbox root (host uid %d) cannot reach %s: %s has mode %04o; "
                            + "let others search it (chmod o+x %s) or choose another data directory",
                            config.idMapping().start(), config.sandboxesDir(), dir, mode & 07777, dir));
                }
            } catch (NoSuchFileException e) {
                // created later by the agent, with the default mode
            } catch (IOException e) {
                return Optional.of("cannot inspect " + dir + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Whether the effective uid in {@code status} ("Uid:\treal\teffective\tsaved\tfs") is 0. */
    static boolean isRoot(Path status) {
        try {
            return Files.readAllLines(status).stream()
                    .filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.split("\\s+"))
                    .anyMatch(f -> f.length > 2 && f[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }
}
