package dev.mags.dist;

import dev.mags.protocol.v2.SandboxLimits;
import picocli.CommandLine.Option;

/**
 * What a job gets when it asks for nothing: its image and limits. Control planes give them to jobs; agents keep
 * their warm pool of exactly this shape, so give both the same values.
 */
final class JobDefaultsOptions {
    @Option(names = "--default-image", defaultValue = "${env:MAGS_DEFAULT_IMAGE:-debian}",
            description = "Image of jobs that name none (env MAGS_DEFAULT_IMAGE, default ${DEFAULT-VALUE}).")
    String defaultImage;

    @Option(names = "--default-memory-mb", defaultValue = "${env:MAGS_DEFAULT_MEMORY_MB:-1024}",
            description = "Memory limit of a job that sets none, MiB (default ${DEFAULT-VALUE}).")
    long defaultMemoryMb;

    @Option(names = "--default-cpus", defaultValue = "${env:MAGS_DEFAULT_CPUS:-1}",
            description = "CPU quota of a job that sets none, cores (default ${DEFAULT-VALUE}).")
    double defaultCpus;

    @Option(names = "--default-disk-gb", defaultValue = "${env:MAGS_DEFAULT_DISK_GB:-2}",
            description = "Disk of a job that sets none, GiB (default ${DEFAULT-VALUE}).")
    long defaultDiskGb;

    @Option(names = "--pids-limit", defaultValue = "${env:MAGS_PIDS_LIMIT:-256}",
            description = "Most processes and threads per sandbox (default ${DEFAULT-VALUE}); each may hold 1024 open"
                    + " files, so a sandbox holds at most this many times 1024.")
    long pidsLimit;

    SandboxLimits defaults() {
        return new SandboxLimits(defaultMemoryMb * SandboxLimits.MIB, Math.round(defaultCpus * 1000),
                defaultDiskGb * SandboxLimits.GIB, pidsLimit);
    }
}
