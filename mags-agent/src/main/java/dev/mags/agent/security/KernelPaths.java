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
     * kernel lacks are skipped. runc's defaults plus what Docker and container escape write-ups add, plus
     * what names the host rather than the sandbox: its kernel command line (a hypervisor's or boot loader's
     * arguments), its boot id, its disks and swap (a loop device's {@code backing_file} names another
     * sandbox's disk image in the data directory), its loaded modules, and the machine's DMI identity
     * (vendor, product, a cloud's instance id in {@code board_asset_tag}).
     */
    public static final List<String> MASKED = List.of(
            "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kallsyms", "/proc/kcore", "/proc/keys",
            "/proc/key-users", "/proc/kmsg", "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi",
            "/proc/timer_list", "/proc/timer_stats",
            "/proc/cmdline", "/proc/diskstats", "/proc/modules", "/proc/partitions", "/proc/swaps",
            "/proc/sys/kernel/random/boot_id",
            "/sys/firmware", "/sys/devices/virtual/powercap", "/sys/kernel/btf", "/sys/kernel/debug",
            "/sys/kernel/security", "/sys/kernel/slab", "/sys/kernel/tracing", "/sys/kernel/vmcoreinfo",
            "/sys/block", "/sys/class/block", "/sys/dev/block", "/sys/devices/virtual/block",
            "/sys/devices/virtual/dmi");

    /**
     * Remounted read-only: host-wide kernel settings (core_pattern, which runs a program as host root
     * on a crash, and every other sysctl), the magic SysRq trigger, IRQ and bus settings, and
     * {@code /sys/fs/cgroup}: on cgroup v1 the runtime mounts a writable tmpfs there (as large as half the
     * host's memory) to hold the controllers' mounts, which are read-only each.
     */
    public static final List<String> READONLY = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", "/sys/fs/cgroup");

    private KernelPaths() {}
}
