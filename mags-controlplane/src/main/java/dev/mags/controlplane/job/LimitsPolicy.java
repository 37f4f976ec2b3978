package dev.mags.controlplane.job;

import dev.mags.api.JobRequest;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.protocol.v2.SandboxLimits;

/**
 * Turns a job's {@code disk_gb}, {@code memory_mb} and {@code cpus} into sandbox limits: the
 * operator's defaults where the job sets nothing, and a clear 400 where it asks for more than the
 * operator's maximum.
 */
public record LimitsPolicy(SandboxLimits defaults, SandboxLimits max) {

    public LimitsPolicy {
        if (defaults.memoryBytes() > max.memoryBytes() || defaults.cpuMillis() > max.cpuMillis()
                || defaults.diskBytes() > max.diskBytes() || defaults.pids() > max.pids()) {
            throw new IllegalArgumentException("default limits " + defaults + " exceed the maximum " + max);
        }
    }

    public static LimitsPolicy standard() {
        return new LimitsPolicy(SandboxLimits.DEFAULT, new SandboxLimits(8 * SandboxLimits.GIB,
                Runtime.getRuntime().availableProcessors() * 1000L, 20 * SandboxLimits.GIB, 1024));
    }

    SandboxLimits resolve(JobRequest r) {
        long memory = defaults.memoryBytes();
        if (r.memoryMb() != null) {
            long maxMb = max.memoryBytes() / SandboxLimits.MIB;
            if (r.memoryMb() < 16 || r.memoryMb() > maxMb) {
                throw invalid("'memory_mb' must be between 16 and " + maxMb + " (got " + r.memoryMb() + ")");
            }
            memory = r.memoryMb() * SandboxLimits.MIB;
        }
        long cpu = defaults.cpuMillis();
        if (r.cpus() != null) {
            double maxCpus = max.cpuMillis() / 1000.0;
            if (!(r.cpus() >= 0.01 && r.cpus() <= maxCpus)) {
                throw invalid("'cpus' must be between 0.01 and " + maxCpus + " (got " + r.cpus() + ")");
            }
            cpu = Math.round(r.cpus() * 1000);
        }
        long disk = defaults.diskBytes();
        if (r.diskGb() != null) {
            long maxGb = max.diskBytes() / SandboxLimits.GIB;
            if (r.diskGb() < 1 || r.diskGb() > maxGb) {
                throw invalid("'disk_gb' must be between 1 and " + maxGb + " (got " + r.diskGb() + ")");
            }
            disk = r.diskGb() * SandboxLimits.GIB;
        }
        return new SandboxLimits(memory, cpu, disk, defaults.pids());
    }

    private static BadRequestException invalid(String message) {
        return new BadRequestException("invalid_field", message);
    }
}
