package dev.mags.dist;

import dev.mags.agent.network.EgressPolicy;
import dev.mags.controlplane.admission.AdmissionPolicy;
import dev.mags.controlplane.apps.AppsConfig;
import dev.mags.controlplane.files.FileLimits;
import dev.mags.controlplane.job.LimitsPolicy;
import dev.mags.controlplane.job.OutputPolicy;
import dev.mags.controlplane.metrics.MetricsAccess;
import dev.mags.controlplane.state.DatabaseUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Every setting of one {@code magsd serve} process, resolved once in {@code main} from flags, then
 * environment variables, then defaults; paths are absolute. {@code database} is null for the SQLite default.
 */
public record MagsdConfig(
        Path dataDir,
        HostPort listen,
        Path imagesDir,
        String defaultImage,
        HostPort sshListen,
        AppsConfig apps,
        S3Settings s3,
        String runtimeBinary,
        String cgroupParent,
        int maxConcurrentJobs,
        Duration maxJobTimeout,
        LimitsPolicy limits,
        int warmPoolSize,
        EgressPolicy egress,
        Duration workspaceIdleTimeout,
        Duration workspaceSyncInterval,
        int snapshotKeep,
        AdmissionPolicy admission,
        OutputPolicy output,
        FileLimits files,
        MetricsAccess metrics,
        Duration sleepAfter,
        DatabaseUrl database) {

    public MagsdConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(apps, "apps");
        dataDir = dataDir.toAbsolutePath().normalize();
        imagesDir = (imagesDir == null ? dataDir.resolve("images") : imagesDir).toAbsolutePath().normalize();
        if (!defaultImage.matches("[a-z0-9][a-z0-9_.-]*")) {
            throw new IllegalArgumentException("--default-image '" + defaultImage + "' is not an image name");
        }
        if (maxConcurrentJobs < 1) {
            throw new IllegalArgumentException("--max-concurrent-jobs must be at least 1");
        }
        if (workspaceIdleTimeout == null || workspaceIdleTimeout.isNegative() || workspaceIdleTimeout.isZero()) {
            throw new IllegalArgumentException("--workspace-idle-timeout must be at least 1 second");
        }
        if (workspaceSyncInterval == null || workspaceSyncInterval.isNegative() || workspaceSyncInterval.isZero()) {
            throw new IllegalArgumentException("--workspace-sync-interval must be at least 1 second");
        }
        if (snapshotKeep < 1) {
            throw new IllegalArgumentException("--snapshot-keep must be at least 1");
        }
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(output, "output");
        if (sleepAfter == null || sleepAfter.isNegative() || sleepAfter.isZero()) {
            throw new IllegalArgumentException("--sleep-after must be at least 1 second");
        }
        if (warmPoolSize < 0) {
            throw new IllegalArgumentException("--warm-pool-size must be zero or more");
        }
    }

    /** The SQLite file of the state store; unused when {@link #database()} names a PostgreSQL database. */
    public Path stateDb() {
        return dataDir.resolve("state.db");
    }

    /** The SSH gateway's host key (mode 0600), kept so that clients' known_hosts stay valid across restarts. */
    public Path sshHostKeyFile() {
        return dataDir.resolve("ssh_host_ed25519_key");
    }

    public Path adminTokenFile() {
        return dataDir.resolve("admin-token");
    }

    /** What magsd writes when it runs the embedded S3 server: its endpoint and credentials, for S3 clients (mode 0600). */
    public Path embeddedS3File() {
        return dataDir.resolve("s3.json");
    }

    /** Settings of the S3 store that keeps workspaces; no endpoint means the embedded store. */
    public record S3Settings(String endpoint, String region, String bucket, String accessKey, String secretKey,
            boolean pathStyle) {}
}
