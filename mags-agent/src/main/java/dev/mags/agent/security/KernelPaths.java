package dev.mags.agent.security;

import java.util.List;

/**
 * Kernel interfaces under /proc and /sys a sandbox must neither read nor change. /sys is mounted
 * read-only as a whole; these cover /proc, which must stay writable for the sandbox's own processes,
 * and the read-only /sys files that still leak host details.
 */
public final class KernelPaths {
    /**
     * Hidden (runc mounts /dev/null over a file, an empty read-only tmpfs over a directory); paths the
     * kernel lacks are skipped. runc's defaults plus what Docker and container escape write-ups add.
     */
    public static final List<String> MASKED = List.of(
            "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kallsyms", "/proc/kcore", "/proc/keys",
            "/proc/key-users", "/proc/kmsg", "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi",
            "/proc/timer_list", "/proc/timer_stats",
            "/sys/firmware", "/sys/devices/virtual/powercap", "/sys/kernel/btf", "/sys/kernel/debug",
            "/sys/kernel/security", "/sys/kernel/slab", "/sys/kernel/tracing", "/sys/kernel/vmcoreinfo");

    /**
     * Remounted read-only: host-wide kernel settings (core_pattern, which runs a program as host root
     * on a crash, and every other sysctl), the magic SysRq trigger, IRQ and bus settings.
     */
    public static final List<String> READONLY = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private KernelPaths() {}
}
