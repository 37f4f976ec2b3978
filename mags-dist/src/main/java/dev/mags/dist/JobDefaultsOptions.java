package dev.mags.dist;

import dev.mags.controlplane.job.LimitsPolicy;
import dev.mags.protocol.v2.SandboxLimits;
import picocli.CommandLine.Option;

/** What a job gets when it asks for nothing and the most it may ask for; the agent's warm pool keeps sandboxes
 * of exactly the default shape. */
final class JobDefaultsOptions {
    @Option(names = "--default-image", defaultValue = "${env:MAGS_DEFAULT_IMAGE:-debian}",
            description = "Image of jobs that name none (env MAGS_DEFAULT_IMAGE, default ${DEFAULT-VALUE}).")
    String defaultImage;

    @Option(names = "--default-memory-mb", defaultValue = "${env:MAGS_DEFAULT_MEMORY_MB:-1024}",
            description = "Memory limit of a job that sets none, MiB (default ${DEFAULT-VALUE}).")
    long defaultMemoryMb;

    @Option(names = "--max-memory-mb", defaultValue = "${env:MAGS_MAX_MEMORY_MB:-8192}",
            description = "Most memory a job may ask for, MiB (default ${DEFAULT-VALUE}).")
    long maxMemoryMb;

    @Option(names = "--default-cpus", defaultValue = "${env:MAGS_DEFAULT_CPUS:-1}",
            description = "CPU quota of a job that sets none, cores (default ${DEFAULT-VALUE}).")
    double defaultCpus;

    @Option(names = "--max-cpus", defaultValue = "${env:MAGS_MAX_CPUS}",
            description = "Most CPU a job may ask for, cores (default: the host's core count).")
    Double maxCpus;

    @Option(names = "--default-disk-gb", defaultValue = "${env:MAGS_DEFAULT_DISK_GB:-2}",
            description = "Disk of a job that sets none, GiB (default ${DEFAULT-VALUE}).")
    long defaultDiskGb;

    @Option(names = "--max-disk-gb", defaultValue = "${env:MAGS_MAX_DISK_GB:-20}",
            description = "Most disk a job may ask for, GiB (default ${DEFAULT-VALUE}).")
    long maxDiskGb;

    @Option(names = "--pids-limit", defaultValue = "${env:MAGS_PIDS_LIMIT:-256}",
            description = "Most processes and threads per sandbox (default ${DEFAULT-VALUE}); each may hold 1024 open"
                    + " files, so a sandbox holds at most this many times 1024.")
    long pidsLimit;

    LimitsPolicy limitsPolicy() {
        double maxCores = maxCpus != null ? maxCpus : Runtime.getRuntime().availableProcessors();
        SandboxLimits defaults = new SandboxLimits(defaultMemoryMb * SandboxLimits.MIB, Math.round(defaultCpus * 1000),
                defaultDiskGb * SandboxLimits.GIB, pidsLimit);
        SandboxLimits max = new SandboxLimits(maxMemoryMb * SandboxLimits.MIB, Math.round(maxCores * 1000),
                maxDiskGb * SandboxLimits.GIB, pidsLimit);
        return new LimitsPolicy(defaults, max);
    }
}
