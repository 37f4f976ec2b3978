package dev.mags.agent.bundle;

import dev.mags.agent.bundle.OciSpec.Capabilities;
import dev.mags.agent.bundle.OciSpec.Cpu;
import dev.mags.agent.bundle.OciSpec.DeviceRule;
import dev.mags.agent.bundle.OciSpec.IdMap;
import dev.mags.agent.bundle.OciSpec.Linux;
import dev.mags.agent.bundle.OciSpec.Memory;
import dev.mags.agent.bundle.OciSpec.Mount;
import dev.mags.agent.bundle.OciSpec.Namespace;
import dev.mags.agent.bundle.OciSpec.Pids;
import dev.mags.agent.bundle.OciSpec.Resources;
import dev.mags.agent.bundle.OciSpec.Rlimit;
import dev.mags.agent.bundle.OciSpec.Root;
import dev.mags.agent.bundle.OciSpec.User;
import dev.mags.agent.security.IdMapping;
import dev.mags.agent.security.KernelPaths;
import dev.mags.agent.security.SandboxCapabilities;
import dev.mags.agent.security.SeccompProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns a {@link BundleSpec} into the sandbox's config.json contents, one section per method. */
public final class OciSpecFactory {
    public static final String OCI_VERSION = "1.0.2";
    /** The CFS period: 100 ms, the kernel's default; the quota is the share of it the sandbox may use. */
    static final long CPU_PERIOD_US = 100_000;

    /** Loaded once: the profile is a resource of the agent and never changes while it runs. */
    private static final SeccompProfile SECCOMP = SeccompProfile.standard();

    private OciSpecFactory() {}

    public static OciSpec create(BundleSpec spec) {
        return new OciSpec(OCI_VERSION, process(spec), new Root(spec.rootfs().toString(), false),
                spec.hostname(), mounts(spec), linux(spec));
    }

    /**
     * Root of the sandbox's user namespace with {@link SandboxCapabilities}. No no_new_privs: setuid
     * binaries and file capabilities of the image (su, sudo, ping) keep working inside, and what they
     * grant is capped by the bounding set and stays inside the user namespace, so they give nothing
     * that root inside does not have already.
     */
    static OciSpec.Process process(BundleSpec spec) {
        List<String> kept = SandboxCapabilities.names();
        Capabilities caps = new Capabilities(kept, kept, kept);
        return new OciSpec.Process(false, new User(0, 0), spec.args(), environment(spec), "/root", caps,
                List.of(new Rlimit("RLIMIT_NOFILE", spec.resources().openFiles(), spec.resources().openFiles())), false);
    }

    /** The defaults first, then the spec's variables in name order; the spec wins on a clash. */
    static List<String> environment(BundleSpec spec) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", "/root");
        env.put("HOSTNAME", spec.hostname());
        env.put("TERM", "xterm");
        env.put("LANG", "C.UTF-8");
        env.putAll(new TreeMap<>(spec.environment()));
        List<String> entries = new ArrayList<>();
        env.forEach((name, value) -> entries.add(name + "=" + value));
        return entries;
    }

    static List<Mount> mounts(BundleSpec spec) {
        List<String> sysOptions = List.of("nosuid", "noexec", "nodev", "ro");
        List<Mount> mounts = new ArrayList<>(List.of(
                new Mount("/proc", "proc", "proc", null),
                new Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new Mount("/sys", "sysfs", "sysfs", sysOptions),
                new Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"))));
        mounts.add(bind("/etc/hostname", spec.etcHostname()));
        mounts.add(bind("/etc/hosts", spec.etcHosts()));
        mounts.add(bind("/etc/resolv.conf", spec.resolvConf()));
        mounts.add(new Mount(BundleSpec.INIT_BINARY, "bind", spec.initBinary().toString(),
                List.of("bind", "ro", "nosuid", "nodev")));
        if (spec.ioDir() != null) {
            // Read-only: nothing can be created there; the FIFOs in it can still be opened for writing.
            mounts.add(new Mount(BundleSpec.IO_DIR, "bind", spec.ioDir().toString(),
                    List.of("bind", "ro", "nosuid", "nodev", "noexec")));
        }
        return mounts;
    }

    private static Mount bind(String destination, Path source) {
        return new Mount(destination, "bind", source.toString(), List.of("rbind", "rprivate"));
    }

    static Linux linux(BundleSpec spec) {
        // Network namespace without interfaces but loopback (slirp4netns adds one for outbound networking).
        // A cgroup namespace: /proc/self/cgroup and the cgroup mounts' roots in the mount table show "/", not
        // the host's cgroup path with the sandbox id, and /sys/fs/cgroup shows the sandbox's own limits.
        // A user namespace made beforehand is joined: the one above it holds the sandbox's own limits
        // (SandboxUserNamespaces). The runtime still needs the mapping, to give the sandbox's root its files.
        List<Namespace> namespaces = List.of("pid", "network", "ipc", "uts", "mount", "user", "cgroup").stream()
                .map(type -> type.equals("user") && spec.userNamespace() != null
                        ? new Namespace(type, spec.userNamespace().toString()) : Namespace.of(type))
                .toList();
        List<IdMap> ids = idMaps(spec.idMapping());
        return new Linux(resources(spec.resources()), spec.cgroupsPath(), namespaces, KernelPaths.MASKED,
                KernelPaths.READONLY, ids, ids, SECCOMP);
    }

    /** Users and groups alike: the image is shifted by the same offset for both. */
    static List<IdMap> idMaps(IdMapping mapping) {
        return List.of(new IdMap(0, mapping.start(), mapping.size()));
    }

    static Resources resources(BundleSpec.Resources limits) {
        long quota = Math.max(1000, limits.cpuMillis() * CPU_PERIOD_US / 1000); // the kernel's minimum is 1 ms
        Memory memory = limits.swapAccounting()
                ? new Memory(limits.memoryBytes(), limits.memoryBytes(), null)
                : new Memory(limits.memoryBytes(), null, 0L);
        return new Resources(devices(), memory, new Cpu(quota, CPU_PERIOD_US), new Pids(limits.pids()));
    }

    /** Deny every device, then allow runc's defaults: null, zero, full, random, urandom, tty, ptmx, pts. */
    static List<DeviceRule> devices() {
        return List.of(
                new DeviceRule(false, null, null, null, "rwm"),
                new DeviceRule(true, "c", null, null, "m"),
                new DeviceRule(true, "b", null, null, "m"),
                new DeviceRule(true, "c", 1L, 3L, "rwm"),
                new DeviceRule(true, "c", 1L, 5L, "rwm"),
                new DeviceRule(true, "c", 1L, 7L, "rwm"),
                new DeviceRule(true, "c", 1L, 8L, "rwm"),
                new DeviceRule(true, "c", 1L, 9L, "rwm"),
                new DeviceRule(true, "c", 5L, 0L, "rwm"),
                new DeviceRule(true, "c", 5L, 2L, "rwm"),
                new DeviceRule(true, "c", 136L, null, "rwm"));
    }
}
