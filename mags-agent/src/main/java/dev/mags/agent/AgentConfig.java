package dev.mags.agent;

import dev.mags.agent.network.EgressPolicy;
import dev.mags.agent.security.IdMapping;
import dev.mags.agent.security.InotifyLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link LocalAgent} is configured with; loaded once by the program that runs the agent.
 *
 * @param dataDir sandbox state lives in {@code <dataDir>/sandboxes/<id>/}
 * @param imagesDir base images, {@code <imagesDir>/<name>/rootfs/} and {@code image.json}
 * @param runtimeBinary the OCI runtime, {@code runc} by default; a name on PATH or a path
 * @param runtimeRoot the runtime's state directory ({@code --root}), apart from the runtime's default
 *     so that the agent sees only its own containers
 * @param cgroupParent sandbox cgroups go to {@code /<cgroupParent>/<sandboxId>}
 * @param hostname every sandbox's host name
 * @param stopGrace how long a sandbox gets between SIGTERM and SIGKILL when it times out or the agent closes
 * @param initBinary a static busybox on the host ({@code busybox-static}); each sandbox's init runs it,
 *     bind-mounted read-only, so that images need no shell of their own
 * @param warmPool which sandboxes to keep created in advance
 * @param egress what sandboxes with outbound networking may not reach besides the host itself;
 *     {@link EgressPolicy#defaults()} denies every non-public IPv4 range
 * @param idMapping the host ids of the sandboxes' user namespace: root inside is host uid
 *     {@code idMapping.start()} (100000 by default, for 65536 ids); images must be built for the same start
 * @param openFiles every sandbox process's RLIMIT_NOFILE, soft and hard ({@value #DEFAULT_OPEN_FILES} by default).
 *     With the pids limit it bounds the files a sandbox can hold open on the host: each process has at most
 *     this many descriptors, and a sandbox at most {@code pids} processes and threads, so
 *     {@code pids × openFiles} (256 × 1024 = 262,144 with magsd's defaults). Each such file's kernel memory
 *     (about 200 bytes) is charged to the sandbox's memory cgroup
 * @param inotify the inotify instances and watches one sandbox may hold, all its users together
 *     ({@link InotifyLimits#DEFAULT}: 128 and 65,536); the host's limits for root are raised to hold every
 *     sandbox's share (see {@code HostInotifyLimits})
 */
public record AgentConfig(
        Path dataDir,
        Path imagesDir,
        String runtimeBinary,
        Path runtimeRoot,
        String cgroupParent,
        String hostname,
        Duration stopGrace,
        Path initBinary,
        WarmPoolConfig warmPool,
        EgressPolicy egress,
        IdMapping idMapping,
        long openFiles,
        InotifyLimits inotify) {

    public static final String DEFAULT_RUNTIME = "runc";
    public static final String DEFAULT_CGROUP_PARENT = "mags";
    public static final String DEFAULT_HOSTNAME = "mags-vm";
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
    public static final Path DEFAULT_INIT_BINARY = Path.of("/bin/busybox");
    /** magsd's default image: jobs that name none run on it, so it is what the warm pool keeps by default. */
    public static final String DEFAULT_WARM_IMAGE = "debian";
    /**
     * What programs expect (the traditional soft limit, {@code select()}'s FD_SETSIZE): npm, pip, git, dev
     * servers and compilers run within it. Node raises its soft limit to the hard one, so the hard limit is
     * the same: a sandbox's bound stays pids × 1024.
     */
    public static final long DEFAULT_OPEN_FILES = 1024;
    /** The kernel's own ceiling for a process's descriptors ({@code fs.nr_open}'s default). */
    static final long MAX_OPEN_FILES = 1 << 20;

    /** Validates every field at once and makes paths absolute. */
    public AgentConfig {
        List<String> problems = new ArrayList<>();
        if (dataDir == null) problems.add("dataDir is missing");
        if (imagesDir == null) problems.add("imagesDir is missing");
        if (runtimeBinary == null || runtimeBinary.isBlank()) problems.add("runtimeBinary is missing");
        if (runtimeRoot == null) problems.add("runtimeRoot is missing");
        if (cgroupParent == null || !cgroupParent.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")) {
            problems.add("cgroupParent '" + cgroupParent + "' must be a relative cgroup path like 'mags'");
        }
        if (hostname == null || !hostname.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,62})")) {
            problems.add("hostname '" + hostname + "' is not a valid host name");
        }
        if (stopGrace == null || stopGrace.isNegative()) problems.add("stopGrace must be zero or more");
        if (initBinary == null) problems.add("initBinary is missing");
        if (warmPool == null) problems.add("warmPool is missing");
        if (egress == null) problems.add("egress is missing");
        if (idMapping == null) problems.add("idMapping is missing");
        if (openFiles < 64 || openFiles > MAX_OPEN_FILES) {
            problems.add("openFiles must be between 64 and " + MAX_OPEN_FILES + ", not " + openFiles);
        }
        if (inotify == null) problems.add("inotify is missing");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid agent configuration: " + String.join("; ", problems));
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        imagesDir = imagesDir.toAbsolutePath().normalize();
        runtimeRoot = runtimeRoot.toAbsolutePath().normalize();
        initBinary = initBinary.toAbsolutePath().normalize();
    }

    /**
     * runc, runtime root {@code <dataDir>/runtime}, cgroups under {@code /mags}, host name mags-vm,
     * init {@code /bin/busybox}, two warm sandboxes of the debian image with default limits, the
     * default egress policy, sandbox root at host uid 100000, {@value #DEFAULT_OPEN_FILES} open files per process,
     * {@link InotifyLimits#DEFAULT} per sandbox.
     */
    public static AgentConfig defaults(Path dataDir, Path imagesDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        return new AgentConfig(dataDir, imagesDir, DEFAULT_RUNTIME, dataDir.resolve("runtime"),
                DEFAULT_CGROUP_PARENT, DEFAULT_HOSTNAME, DEFAULT_STOP_GRACE, DEFAULT_INIT_BINARY,
                WarmPoolConfig.of(DEFAULT_WARM_IMAGE, WarmPoolConfig.DEFAULT_SIZE), EgressPolicy.defaults(), IdMapping.DEFAULT,
                DEFAULT_OPEN_FILES, InotifyLimits.DEFAULT);
    }

    /** {@code <dataDir>/workspaces}: one directory per workspace, named by its key, holding its disk. */
    public Path workspacesDir() {
        return dataDir.resolve("workspaces");
    }

    /** {@code <dataDir>/disk-templates}: a freshly formatted disk per size, copied for each sandbox. */
    public Path diskTemplatesDir() {
        return dataDir.resolve("disk-templates");
    }

    /**
     * {@code <dataDir>/sandboxes}: one directory per sandbox, named by its id. The agent mounts a tmpfs here
     * (as on the runtime root under the data dir): a sandbox's bundle, FIFOs, logs and mount points live as
     * long as the sandbox, and creating and deleting a score of them per sandbox on a disk file system costs
     * more than the sandbox's own start (see {@code rootfs/TmpfsDirs}).
     */
    public Path sandboxesDir() {
        return dataDir.resolve("sandboxes");
    }

    /** {@code <dataDir>/sandbox-disks}: each sandbox's own disk image, {@code <id>.img}, beside the tmpfs. */
    public Path sandboxDisksDir() {
        return dataDir.resolve("sandbox-disks");
    }

    public AgentConfig withRuntimeBinary(String binary) {
        return new AgentConfig(dataDir, imagesDir, binary, runtimeRoot, cgroupParent, hostname, stopGrace, initBinary,
                warmPool, egress, idMapping, openFiles, inotify);
    }

    public AgentConfig withRuntimeRoot(Path root) {
        return new AgentConfig(dataDir, imagesDir, runtimeBinary, root, cgroupParent, hostname, stopGrace, initBinary,
                warmPool, egress, idMapping, openFiles, inotify);
    }

    public AgentConfig withCgroupParent(String parent) {
        return new AgentConfig(dataDir, imagesDir, runtimeBinary, runtimeRoot, parent, hostname, stopGrace, initBinary,
                warmPool, egress, idMapping, openFiles, inotify);
    }

    public AgentConfig withStopGrace(Duration grace) {
        return new AgentConfig(dataDir, imagesDir, runtimeBinary, runtimeRoot, cgroupParent, hostname, grace, initBinary,
                warmPool, egress, idMapping, openFiles, inotify);
    }

    public AgentConfig withInitBinary(Path binary) {
        return new AgentConfig(dataDir, imagesDir, runtimeBinary, runtimeRoot, cgroupParent, hostname, stopGrace, binary,
                warmPool, egress, idMapping, openFiles, inotify);
    }

    public AgentConfig withWarmPool(WarmPoolConfig pool) {
        return new AgentConfig(dataDir, imagesDir, runtimeBinary, runtimeRoot, cgroupParent, hostname, stopGrace,
                initBinary, pool, egress, idMapping, openFiles, inotify);
    }

    public AgentConfig withIdMapping(IdMapping mapping) {
        return new AgentConfig(dataDir, imagesDir, runtimeBinary, runtimeRoot, cgroupParent, hostname, stopGrace,
                initBinary, warmPool, egress, mapping, openFiles, inotify);
    }

    public AgentConfig withOpenFiles(long limit) {
        return new AgentConfig(dataDir, imagesDir, runtimeBinary, runtimeRoot, cgroupParent, hostname, stopGrace,
                initBinary, warmPool, egress, idMapping, limit, inotify);
    }

    public AgentConfig withEgress(EgressPolicy policy) {
        return new AgentConfig(dataDir, imagesDir, runtimeBinary, runtimeRoot, cgroupParent, hostname, stopGrace,
                initBinary, warmPool, policy, idMapping, openFiles, inotify);
    }

    public AgentConfig withInotify(InotifyLimits limits) {
        return new AgentConfig(dataDir, imagesDir, runtimeBinary, runtimeRoot, cgroupParent, hostname, stopGrace,
                initBinary, warmPool, egress, idMapping, openFiles, limits);
    }
}
