package dev.mags.agent.sandbox;

import java.nio.file.Path;

/**
 * Where one sandbox's files live: {@code <dataDir>/sandboxes/<containerId>/} (a tmpfs: bundle, mount points,
 * logs) and its disk image {@code <dataDir>/sandbox-disks/<containerId>.img}. Named by the container id (the
 * job's sandbox id, or a warm pool member's own id) so that a restarted agent can tell whose leftovers it
 * finds; {@link #label()} names the job a pool member was handed to.
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
 * @param execProcess the job's process (argv, environment, cwd) for the runtime's exec, readable by root only
 * @param execLog the runtime's own JSON log of the job's exec
 * @param execPid where the runtime writes the host pid of the job's command
 */
public record SandboxPaths(Path dir, Path diskImage, Path disk, Path upper, Path work, Path rootfs, Path bundle,
        Path binds, Path runtimeLog, Path execProcess, Path execLog, Path execPid) {

    /** The file in a sandbox directory that names the job (sandbox id) the container runs. */
    public static final String LABEL_FILE = "sandbox-id";

    /** The suffix of a sandbox's disk image in the disks directory. */
    public static final String DISK_IMAGE_SUFFIX = ".img";

    public static SandboxPaths of(Path sandboxesDir, Path disksDir, String containerId) {
        Path dir = sandboxesDir.resolve(containerId);
        Path disk = dir.resolve("disk");
        return new SandboxPaths(dir, disksDir.resolve(containerId + DISK_IMAGE_SUFFIX), disk, disk.resolve("upper"),
                disk.resolve("work"), dir.resolve("rootfs"), dir.resolve("bundle"), dir.resolve("binds"),
                dir.resolve("runtime.log"), dir.resolve("exec.json"), dir.resolve("exec.log"), dir.resolve("exec.pid"));
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
