package dev.mags.controlplane.config;

import dev.mags.controlplane.admission.AdmissionPolicy;
import dev.mags.controlplane.apps.AppsConfig;
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
 * @param apps public URLs: their domain, listener and limits
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
        Duration sleepAfter,
        AppsConfig apps) {

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
        Objects.requireNonNull(apps, "apps");
    }

    public static ControlPlaneConfig defaults(String host, int port, String defaultImage) {
        return new ControlPlaneConfig(host, port, defaultImage, Duration.ofHours(24), 64,
                OutputPolicy.defaults(), Duration.ofSeconds(5), LimitsPolicy.standard(),
                DEFAULT_WORKSPACE_IDLE_TIMEOUT, AdmissionPolicy.standard(), FileLimits.DEFAULT, MetricsAccess.LOOPBACK_ONLY,
                DEFAULT_SLEEP_AFTER, AppsConfig.defaults());
    }

    public static final Duration DEFAULT_WORKSPACE_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_SLEEP_AFTER = Duration.ofMinutes(10);

    public ControlPlaneConfig withAdmission(AdmissionPolicy value) {
        return toBuilder().admission(value).build();
    }

    public ControlPlaneConfig withOutput(OutputPolicy value) {
        return toBuilder().output(value).build();
    }

    public ControlPlaneConfig withWorkspaceIdleTimeout(Duration value) {
        return toBuilder().workspaceIdleTimeout(value).build();
    }

    public ControlPlaneConfig withMetrics(MetricsAccess value) {
        return toBuilder().metrics(value).build();
    }

    public ControlPlaneConfig withSleepAfter(Duration value) {
        return toBuilder().sleepAfter(value).build();
    }

    public ControlPlaneConfig withFiles(FileLimits value) {
        return toBuilder().files(value).build();
    }

    public ControlPlaneConfig withApps(AppsConfig value) {
        return toBuilder().apps(value).build();
    }

    /** A builder holding this config's settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.listenHost = listenHost;
        b.listenPort = listenPort;
        b.defaultImage = defaultImage;
        b.maxJobTimeout = maxJobTimeout;
        b.maxConcurrentJobs = maxConcurrentJobs;
        b.output = output;
        b.stopGrace = stopGrace;
        b.limits = limits;
        b.workspaceIdleTimeout = workspaceIdleTimeout;
        b.admission = admission;
        b.files = files;
        b.metrics = metrics;
        b.sleepAfter = sleepAfter;
        b.apps = apps;
        return b;
    }

    /** Settings to change before {@link #build()}; each setter returns the builder. */
    public static final class Builder {
        private String listenHost;
        private int listenPort;
        private String defaultImage;
        private Duration maxJobTimeout;
        private int maxConcurrentJobs;
        private OutputPolicy output;
        private Duration stopGrace;
        private LimitsPolicy limits;
        private Duration workspaceIdleTimeout;
        private AdmissionPolicy admission;
        private FileLimits files;
        private MetricsAccess metrics;
        private Duration sleepAfter;
        private AppsConfig apps;

        public Builder listenHost(String value) {
            this.listenHost = value;
            return this;
        }

        public Builder listenPort(int value) {
            this.listenPort = value;
            return this;
        }

        public Builder defaultImage(String value) {
            this.defaultImage = value;
            return this;
        }

        public Builder maxJobTimeout(Duration value) {
            this.maxJobTimeout = value;
            return this;
        }

        public Builder maxConcurrentJobs(int value) {
            this.maxConcurrentJobs = value;
            return this;
        }

        public Builder output(OutputPolicy value) {
            this.output = value;
            return this;
        }

        public Builder stopGrace(Duration value) {
            this.stopGrace = value;
            return this;
        }

        public Builder limits(LimitsPolicy value) {
            this.limits = value;
            return this;
        }

        public Builder workspaceIdleTimeout(Duration value) {
            this.workspaceIdleTimeout = value;
            return this;
        }

        public Builder admission(AdmissionPolicy value) {
            this.admission = value;
            return this;
        }

        public Builder files(FileLimits value) {
            this.files = value;
            return this;
        }

        public Builder metrics(MetricsAccess value) {
            this.metrics = value;
            return this;
        }

        public Builder sleepAfter(Duration value) {
            this.sleepAfter = value;
            return this;
        }

        public Builder apps(AppsConfig value) {
            this.apps = value;
            return this;
        }

        public ControlPlaneConfig build() {
            return new ControlPlaneConfig(listenHost, listenPort, defaultImage, maxJobTimeout, maxConcurrentJobs, output, stopGrace, limits, workspaceIdleTimeout, admission, files, metrics, sleepAfter, apps);
        }
    }
}
