package dev.mags.agent.security;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The capabilities a sandbox's root keeps: what package managers and ordinary servers need, each for
 * a reason below. They are capabilities of the sandbox's user namespace, so they act only on the
 * sandbox's own files, processes and network namespace, never on the host's. Everything else is
 * dropped from all sets, the bounding set included, so neither setuid binaries nor file capabilities
 * can bring it back.
 *
 * <p>Dropped on purpose, beyond the obviously dangerous (SYS_ADMIN, SYS_MODULE, SYS_PTRACE, SYS_RAWIO,
 * SYS_BOOT, SYS_TIME, DAC_READ_SEARCH, NET_ADMIN, BPF, PERFMON, ...): MKNOD (a user namespace cannot
 * create device nodes anyway, and no device is meant to be reachable), NET_RAW (raw and packet
 * sockets: packet spoofing on the sandbox network and a kernel surface behind several escapes; ping
 * can use ICMP datagram sockets instead), AUDIT_WRITE (the audit log is the host's), SETFCAP (setting
 * file capabilities; package scripts that try it fall back to setuid).
 */
public final class SandboxCapabilities {
    /** Kept capability, and why. */
    public static final Map<String, String> KEPT = new TreeMap<>(Map.of(
            "CAP_CHOWN", "package managers and adduser give files to system users",
            "CAP_DAC_OVERRIDE", "root reads and writes files of other users (apt's _apt, dpkg's trees)",
            "CAP_FOWNER", "root changes modes and times of files it does not own",
            "CAP_FSETID", "chmod and chown keep setuid/setgid bits (dpkg installs setuid binaries)",
            "CAP_KILL", "root signals processes of other users inside the sandbox (its pid namespace)",
            "CAP_SETUID", "root switches to other users: su, apt dropping to _apt, servers dropping root",
            "CAP_SETGID", "likewise for groups",
            "CAP_SETPCAP", "processes drop capabilities from their bounding set; grants nothing new",
            "CAP_NET_BIND_SERVICE", "servers listen on ports below 1024 of the sandbox's own network",
            "CAP_SYS_CHROOT", "chroot into sub-trees (sshd privilege separation, build tools); the mount namespace stays"));

    private SandboxCapabilities() {}

    /** The kept capabilities, sorted: the bounding, effective and permitted sets. */
    public static List<String> names() {
        return List.copyOf(KEPT.keySet());
    }
}
