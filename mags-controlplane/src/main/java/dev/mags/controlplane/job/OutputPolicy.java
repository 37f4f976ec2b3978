package dev.mags.controlplane.job;

import java.time.Duration;

/**
 * How much job output the server keeps, and for how long. Sizes are bytes as stored (the text of
 * each line plus a few bytes for its stream and time).
 *
 * @param maxBytesPerJob output kept of one job; past it lines are dropped after an "output truncated" notice
 * @param maxBytesPerUser output kept of one user's finished jobs; past it the output of the user's jobs
 *     that ended first is removed (their status stays)
 * @param maxBytesTotal output kept on the server; past it the output of the jobs that ended first is removed
 * @param jobRetention a finished job is deleted, with its output, this long after it ended
 * @param checkInterval how often the limits above are enforced
 */
public record OutputPolicy(long maxBytesPerJob, long maxBytesPerUser, long maxBytesTotal, Duration jobRetention,
        Duration checkInterval) {
    public static final long MIB = 1024L * 1024;

    public OutputPolicy {
        if (maxBytesPerJob < 1 || maxBytesPerUser < maxBytesPerJob || maxBytesTotal < maxBytesPerUser) {
            throw new IllegalArgumentException("output limits must be positive, per job <= per user <= total (got "
                    + maxBytesPerJob + ", " + maxBytesPerUser + ", " + maxBytesTotal + " bytes)");
        }
        if (!jobRetention.isPositive() || !checkInterval.isPositive()) {
            throw new IllegalArgumentException("job retention and check interval must be positive");
        }
    }

    /** 16 MiB per job, 1 GiB per user, 4 GiB in all, jobs kept 30 days, checked every minute. */
    public static OutputPolicy defaults() {
        return new OutputPolicy(16 * MIB, 1024 * MIB, 4096 * MIB, Duration.ofDays(30), Duration.ofMinutes(1));
    }
}
