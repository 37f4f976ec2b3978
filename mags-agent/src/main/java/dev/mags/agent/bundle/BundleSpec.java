package dev.mags.agent.bundle;

import dev.mags.agent.security.IdMapping;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What varies between sandboxes' config.json files.
 *
 * @param args the container's init process's argv (the commands of a job run next to it with exec)
 * @param environment variables on top of the defaults, which they override; the base environment of
 *     every process in the container
 * @param rootfs the sandbox's mounted root filesystem (an absolute path)
 * @param etcHostname the sandbox's own /etc/hostname, bind-mounted (likewise hosts and resolv.conf)
 * @param cgroupsPath the explicit cgroup path, {@code /<parent>/<sandboxId>}; without one, runc on
 *     cgroup v1 scatters the controllers
 * @param resources the sandbox's memory, CPU and process limits
 * @param initBinary a static busybox on the host, bind-mounted read-only at {@link #INIT_BINARY} so that
 *     the init process needs nothing from the image
 * @param idMapping the host ids of the sandbox's user namespace
 * @param ioDir a host directory of FIFOs bind-mounted read-only at {@link #IO_DIR} (the init's standby shell
 *     talks to the agent through them), or null for none
 * @param userNamespace the user namespace the container joins ({@code /proc/<pid>/ns/user} of a process in it,
 *     mapped as {@code idMapping} says), or null for a new one the runtime makes
 */
public record BundleSpec(
        List<String> args,
        Map<String, String> environment,
        Path rootfs,
        String hostname,
        Path etcHostname,
        Path etcHosts,
        Path resolvConf,
        String cgroupsPath,
        Resources resources,
        Path initBinary,
        IdMapping idMapping,
        Path ioDir,
        Path userNamespace) {

    /** Where {@link #ioDir} appears in the container. */
    public static final String IO_DIR = "/.mags/io";

    /** Where {@link #initBinary} appears in the container: a hidden directory off every PATH. */
    public static final String INIT_BINARY = "/.mags/busybox";

    /**
     * Limits of the sandbox's cgroups.
     *
     * @param memoryBytes memory limit; memory plus swap is limited to the same, so it cannot swap around it
     * @param cpuMillis CPU quota in thousandths of a core
     * @param pids most processes and threads at once
     * @param openFiles each process's RLIMIT_NOFILE, soft and hard: with {@code pids}, what bounds the files a
     *     sandbox can hold open on the host ({@code pids × openFiles})
     * @param swapAccounting whether the host's memory cgroup can limit memory plus swap; without it the
     *     sandbox gets swappiness 0 instead
     */
    public record Resources(long memoryBytes, long cpuMillis, long pids, long openFiles, boolean swapAccounting) {
        public Resources {
            if (memoryBytes <= 0 || cpuMillis <= 0 || pids <= 0 || openFiles <= 0) {
                throw new IllegalArgumentException("resource limits must be positive: " + memoryBytes + " bytes, "
                        + cpuMillis + " millicores, " + pids + " processes, " + openFiles + " open files");
            }
        }
    }

    /** The same bundle, joining the user namespace {@code path}. */
    public BundleSpec withUserNamespace(Path path) {
        return new BundleSpec(args, environment, rootfs, hostname, etcHostname, etcHosts, resolvConf, cgroupsPath, resources,
                initBinary, idMapping, ioDir, path);
    }

    public BundleSpec {
        args = List.copyOf(args);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(rootfs, "rootfs");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(cgroupsPath, "cgroupsPath");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(initBinary, "initBinary");
        Objects.requireNonNull(idMapping, "idMapping");
        if (args.isEmpty()) {
            throw new IllegalArgumentException("the command is empty");
        }
        for (String name : environment.keySet()) {
            // A '=' in the name would silently become part of the value; NUL cannot pass execve.
            if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable name '" + name + "' is not valid");
            }
            if (environment.get(name).indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable " + name + " contains a NUL character");
            }
        }
        for (String arg : args) {
            if (arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a command argument contains a NUL character");
            }
        }
    }
}
