package dev.mags.agent.sandbox;

import java.nio.file.Path;

/**
 * Where one sandbox's files live: {@code <dataDir>/sandboxes/<containerId>/} (a tmpfs: bundle, mount points,
 * logs) and its disk image {@code <dataDir>/sandbox-disks/<containerId>.img}. Named by the container id (the
 * sandbox id, or a warm pool member's own id) so that a restarted agent can tell whose leftovers it
 * finds; {@link #label()} names the sandbox a pool member was handed to.
 *
 * @param diskImage the sparse ext4 file of the sandbox's disk limit, loop-mounted on {@code disk}
 * @param disk where the sandbox's disk is mounted; holds the overlay's upper and work directories
 * @param upper the overlay's writable layer: everything the sandbox changes
 * @param work overlayfs's scratch directory, on the same file system as {@code upper}
 * @param rootfs where the overlay is mounted; the container's root
 * @param binds a small tmpfs of the sandbox's own holding what is bind-mounted into it: {@code etc/} (its
 *     hostname, hosts and resolv.conf) and {@code io/} (the standby shell's FIFOs). A bind mount shows in the
 *     sandbox's mount table with its path inside its file system; on a file system of their own these are
 *     {@code /etc/hostname} and {@code /io}, naming neither the data directory nor the sandbox
 * @param runtimeLog the runtime's own JSON log of create and start
 */
public record SandboxPaths(Path dir, Path diskImage, Path disk, Path upper, Path work, Path rootfs, Path bundle,
        Path binds, Path runtimeLog) {

    /** The file in a sandbox directory that names the sandbox a container serves (a pool member's differs). */
    public static final String LABEL_FILE = "sandbox-id";

    /** The suffix of a sandbox's disk image in the disks directory. */
    public static final String DISK_IMAGE_SUFFIX = ".img";

    public static SandboxPaths of(Path sandboxesDir, Path disksDir, String containerId) {
        Path dir = sandboxesDir.resolve(containerId);
        Path disk = dir.resolve("disk");
        return new SandboxPaths(dir, disksDir.resolve(containerId + DISK_IMAGE_SUFFIX), disk, disk.resolve("upper"),
                disk.resolve("work"), dir.resolve("rootfs"), dir.resolve("bundle"), dir.resolve("binds"),
                dir.resolve("runtime.log"));
    }

    /** Exec {@code n}'s process (argv, environment, terminal) for the runtime, readable by root only. */
    public Path execProcess(int n) {
        return dir.resolve("exec-" + n + ".json");
    }

    /** Where the runtime writes the host pid of exec {@code n}'s process. */
    public Path execPid(int n) {
        return dir.resolve("exec-" + n + ".pid");
    }

    /** The runtime's own JSON log of exec {@code n}. */
    public Path execLog(int n) {
        return dir.resolve("exec-" + n + ".log");
    }

    /** Where the runtime hands over the terminal of exec {@code n}. */
    public Path consoleSocket(int n) {
        return dir.resolve("exec-" + n + ".sock");
    }

    public Path label() {
        return dir.resolve(LABEL_FILE);
    }

    /** The FIFOs of the init's standby shell (stdin, stdout, stderr), bind-mounted at {@code /.mags/io}. */
    public Path io() {
        return binds.resolve("io");
    }

    /** The sandbox's own hostname, hosts and resolv.conf, each bind-mounted over the image's. */
    public Path etc() {
        return binds.resolve("etc");
    }

    public Path etcHostname() {
        return etc().resolve("hostname");
    }

    public Path etcHosts() {
        return etc().resolve("hosts");
    }

    public Path resolvConf() {
        return etc().resolve("resolv.conf");
    }
}
