package dev.mags.protocol.v2;

/**
 * Resources one sandbox may use. The control plane always sends concrete values (its defaults,
 * or what the job asked for within the operator's maximum); the agent enforces them.
 *
 * @param memoryBytes memory (RAM) limit; the sandbox is killed, reason OUT_OF_MEMORY, past it
 * @param cpuMillis CPU quota in thousandths of a core (1000 = one core)
 * @param diskBytes size of the sandbox's writable layer; writes past it fail with ENOSPC
 * @param pids most processes and threads at once
 */
public record SandboxLimits(long memoryBytes, long cpuMillis, long diskBytes, long pids) {
    public static final long MIB = 1024L * 1024;
    public static final long GIB = 1024L * MIB;

    /**
     * 1 GiB memory, one core, 2 GiB disk, 256 processes and threads: room for package managers, compilers, a
     * dev server and a browser, while the processes times their open-file limit (the agent's, 1024 by
     * default) bounds what one sandbox can hold of the host's open files: 262,144.
     */
    public static final SandboxLimits DEFAULT = new SandboxLimits(GIB, 1000, 2 * GIB, 256);

    public SandboxLimits {
        if (memoryBytes < 16 * MIB) {
            throw new IllegalArgumentException("memory limit must be at least 16 MiB, not " + memoryBytes + " bytes");
        }
        if (cpuMillis < 10) {
            throw new IllegalArgumentException("cpu limit must be at least 10 millicores, not " + cpuMillis);
        }
        if (diskBytes < 64 * MIB) {
            throw new IllegalArgumentException("disk limit must be at least 64 MiB, not " + diskBytes + " bytes");
        }
        if (pids < 16) {
            throw new IllegalArgumentException("pids limit must be at least 16, not " + pids);
        }
    }
}
