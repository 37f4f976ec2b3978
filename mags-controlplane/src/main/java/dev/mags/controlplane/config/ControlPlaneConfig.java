package dev.mags.controlplane.config;

import dev.mags.controlplane.admission.AdmissionPolicy;
import dev.mags.controlplane.files.FileLimits;
import dev.mags.controlplane.job.LimitsPolicy;
import dev.mags.controlplane.job.OutputPolicy;
import dev.mags.controlplane.metrics.MetricsAccess;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the control plane, built once by the process's composition root.
 *
 * @param listenHost address the API binds to
 * @param listenPort port the API binds to (0 picks a free one)
 * @param defaultImage base image of jobs that name none
 * @param maxJobTimeout the longest a job may run; also the default when a job sets no timeout
 * @param maxConcurrentJobs sandboxes run at once on this node; later submissions wait as pending
 * @param output how much job output is kept, and for how long
 * @param stopGrace time between SIGTERM and SIGKILL when a job is stopped
 * @param limits the operator's default and maximum sandbox limits
 * @param workspaceIdleTimeout a local workspace no job has used for this long is removed
 * @param admission per-user limits on live sandboxes and the disk reserve, checked when a job is submitted
 * @param files bounds and retention of uploaded files
 * @param metrics who may read {@code /metrics} besides loopback callers
 * @param sleepAfter a persistent job's sandbox that no exec or SSH channel used for this long sleeps (its
 *                   processes end, its disk stays) unless the job is {@code no_sleep}
 */
public record ControlPlaneConfig(
        String listenHost,
        int listenPort,
        String defaultImage,
        Duration maxJobTimeout,
        int maxConcurrentJobs,
        OutputPolicy output,
        Duration stopGrace,
        LimitsPolicy limits,
        Duration workspaceIdleTimeout,
        AdmissionPolicy admission,
        FileLimits files,
        MetricsAccess metrics,
        Duration sleepAfter) {

    public ControlPlaneConfig {
        Objects.requireNonNull(listenHost, "listenHost");
        Objects.requireNonNull(defaultImage, "defaultImage");
        if (maxConcurrentJobs < 1) {
            throw new IllegalArgumentException("maxConcurrentJobs must be at least 1");
        }
        if (workspaceIdleTimeout == null || workspaceIdleTimeout.isNegative() || workspaceIdleTimeout.isZero()) {
            throw new IllegalArgumentException("workspaceIdleTimeout must be positive");
        }
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(metrics, "metrics");
        if (sleepAfter == null || sleepAfter.isNegative() || sleepAfter.isZero()) {
            throw new IllegalArgumentException("sleepAfter must be positive");
        }
    }

    public static ControlPlaneConfig defaults(String host, int port, String defaultImage) {
        return new ControlPlaneConfig(host, port, defaultImage, Duration.ofHours(24), 64,
                OutputPolicy.defaults(), Duration.ofSeconds(5), LimitsPolicy.standard(),
                DEFAULT_WORKSPACE_IDLE_TIMEOUT, AdmissionPolicy.standard(), FileLimits.DEFAULT, MetricsAccess.LOOPBACK_ONLY,
                DEFAULT_SLEEP_AFTER);
    }

    public static final Duration DEFAULT_WORKSPACE_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_SLEEP_AFTER = Duration.ofMinutes(10);

    public ControlPlaneConfig withAdmission(AdmissionPolicy policy) {
        return new ControlPlaneConfig(listenHost, listenPort, defaultImage, maxJobTimeout, maxConcurrentJobs,
                output, stopGrace, limits, workspaceIdleTimeout, policy, files, metrics, sleepAfter);
    }

    public ControlPlaneConfig withOutput(OutputPolicy policy) {
        return new ControlPlaneConfig(listenHost, listenPort, defaultImage, maxJobTimeout, maxConcurrentJobs,
                policy, stopGrace, limits, workspaceIdleTimeout, admission, files, metrics, sleepAfter);
    }

    public ControlPlaneConfig withWorkspaceIdleTimeout(Duration idle) {
        return new ControlPlaneConfig(listenHost, listenPort, defaultImage, maxJobTimeout, maxConcurrentJobs,
                output, stopGrace, limits, idle, admission, files, metrics, sleepAfter);
    }

    public ControlPlaneConfig withMetrics(MetricsAccess access) {
        return new ControlPlaneConfig(listenHost, listenPort, defaultImage, maxJobTimeout, maxConcurrentJobs,
                output, stopGrace, limits, workspaceIdleTimeout, admission, files, access, sleepAfter);
    }

    public ControlPlaneConfig withSleepAfter(Duration after) {
        return new ControlPlaneConfig(listenHost, listenPort, defaultImage, maxJobTimeout, maxConcurrentJobs,
                output, stopGrace, limits, workspaceIdleTimeout, admission, files, metrics, after);
    }

    public ControlPlaneConfig withFiles(FileLimits limits2) {
        return new ControlPlaneConfig(listenHost, listenPort, defaultImage, maxJobTimeout, maxConcurrentJobs,
                output, stopGrace, limits, workspaceIdleTimeout, admission, limits2, metrics, sleepAfter);
    }
}
