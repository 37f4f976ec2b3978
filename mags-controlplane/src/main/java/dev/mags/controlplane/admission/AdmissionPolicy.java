package dev.mags.controlplane.admission;

import dev.mags.protocol.v2.SandboxLimits;
import java.lang.management.ManagementFactory;

/**
 * The operator's limits on what jobs may hold at once, checked when a job is submitted.
 *
 * @param maxSandboxesPerUser   live sandboxes of one user: those of running jobs, those kept alive after their
 *                              script ({@code -p}), and those jobs waiting to start will start; 0 for no limit
 * @param maxMemoryBytesPerUser the memory limits of those sandboxes, summed; 0 for no limit
 * @param maxCpuMillisPerUser   their CPU limits, summed, in thousandths of a core; 0 for no limit
 * @param diskReserveBytes      free space of the data dir's file system that sandbox disks are never promised
 * @param diskOvercommit        how many times the free space above the reserve the sparse sandbox disks may be
 *                              promised; 1 promises no more than there is
 */
public record AdmissionPolicy(int maxSandboxesPerUser, long maxMemoryBytesPerUser, long maxCpuMillisPerUser,
                              long diskReserveBytes, double diskOvercommit) {

    public static final int DEFAULT_SANDBOXES_PER_USER = 16;
    public static final int DEFAULT_CPUS_PER_CORE = 8;
    public static final long DEFAULT_DISK_RESERVE_GIB = 4;

    public AdmissionPolicy {
        if (maxSandboxesPerUser < 0 || maxMemoryBytesPerUser < 0 || maxCpuMillisPerUser < 0) {
            throw new IllegalArgumentException("per-user limits must be 0 (no limit) or more");
        }
        if (diskReserveBytes < 0) {
            throw new IllegalArgumentException("the disk reserve must be 0 or more");
        }
        if (!(diskOvercommit > 0) || Double.isInfinite(diskOvercommit)) {
            throw new IllegalArgumentException("the disk overcommit must be a positive number, not " + diskOvercommit);
        }
    }

    /**
     * The defaults on a host of this memory and these cores: 16 sandboxes per user, the host's memory and
     * eight times its cores per user, 4 GiB of disk in reserve, no disk overcommit.
     */
    public static AdmissionPolicy forHost(long hostMemoryBytes, int hostCores) {
        return new AdmissionPolicy(DEFAULT_SANDBOXES_PER_USER, hostMemoryBytes, DEFAULT_CPUS_PER_CORE * hostCores * 1000L,
                DEFAULT_DISK_RESERVE_GIB * SandboxLimits.GIB, 1.0);
    }

    /** {@link #forHost} for the host this JVM runs on. */
    public static AdmissionPolicy standard() {
        return forHost(hostMemoryBytes(), Runtime.getRuntime().availableProcessors());
    }

    /** Physical memory of this host, as the JVM reports it. */
    public static long hostMemoryBytes() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }
}
