package dev.mags.protocol.v2;

/**
 * What a sandbox used over its life, from the kernel's cgroup accounting, read when it ended.
 *
 * @param cpuMicros CPU time of all its processes (user and system), microseconds
 * @param memoryPeakBytes the most memory it held at once (its cgroup's peak usage)
 */
public record SandboxUse(long cpuMicros, long memoryPeakBytes) {
    /** Nothing known (the accounting could not be read). */
    public static final SandboxUse NONE = new SandboxUse(0, 0);

    public SandboxUse {
        if (cpuMicros < 0 || memoryPeakBytes < 0) {
            throw new IllegalArgumentException("usage cannot be negative");
        }
    }
}
