package dev.mags.dist;

import dev.mags.controlplane.job.LimitsPolicy;
import dev.mags.protocol.v2.SandboxLimits;
import picocli.CommandLine.Option;

/** The most a job may ask for; the options of the processes that take jobs ({@code serve}, {@code control-plane}). */
final class JobLimitsOptions {
    @Option(names = "--max-memory-mb", defaultValue = "${env:MAGS_MAX_MEMORY_MB:-8192}",
            description = "Most memory a job may ask for, MiB (default ${DEFAULT-VALUE}).")
    long maxMemoryMb;

    @Option(names = "--max-cpus", defaultValue = "${env:MAGS_MAX_CPUS}",
            description = "Most CPU a job may ask for, cores (default: the host's core count).")
    Double maxCpus;

    @Option(names = "--max-disk-gb", defaultValue = "${env:MAGS_MAX_DISK_GB:-20}",
            description = "Most disk a job may ask for, GiB (default ${DEFAULT-VALUE}).")
    long maxDiskGb;

    LimitsPolicy limitsPolicy(JobDefaultsOptions jobDefaults) {
        double maxCores = maxCpus != null ? maxCpus : Runtime.getRuntime().availableProcessors();
        SandboxLimits defaults = jobDefaults.defaults();
        SandboxLimits max = new SandboxLimits(maxMemoryMb * SandboxLimits.MIB, Math.round(maxCores * 1000),
                maxDiskGb * SandboxLimits.GIB, defaults.pids());
        return new LimitsPolicy(defaults, max);
    }
}
