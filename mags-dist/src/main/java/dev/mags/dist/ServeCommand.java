package dev.mags.dist;

import dev.mags.controlplane.config.ControlPlaneConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code magsd serve}: the single-node server (API, agent and state store in one process). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the single-node server: REST API, agent and state store in one process.",
        footer = {"", "bin/magsd runs the JVM with -Xmx from MAGS_HEAP (default 1g)",
            "and -XX:+ExitOnOutOfMemoryError; MAGS_JAVA_OPTS adds JVM options."})
final class ServeCommand implements Callable<Integer> {

    @Mixin
    DirOptions dirs;

    @Mixin
    DatabaseOption database;

    @Mixin
    ApiOptions api;

    @Mixin
    JobDefaultsOptions jobDefaults;

    @Mixin
    JobLimitsOptions jobLimits;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    StorageOptions storage;

    MagsdConfig config() {
        return new MagsdConfig(dirs.dataDir(), HostPort.parse("--listen", api.listen), dirs.imagesDir(),
                jobDefaults.defaultImage, HostPort.parse("--ssh-listen", api.sshListen), api.appsConfig(), storage.s3(),
                runtime.runtime, runtime.cgroupParent, api.maxConcurrentJobs, Duration.ofSeconds(api.maxJobTimeoutSeconds),
                jobLimits.limitsPolicy(jobDefaults), runtime.warmPoolSize, runtime.egressPolicy(),
                Duration.ofSeconds(api.workspaceIdleTimeoutSeconds), Duration.ofSeconds(storage.workspaceSyncIntervalSeconds),
                storage.snapshotKeep, api.admissionPolicy(), api.outputPolicy(), api.fileLimits(),
                MetricsTokenFile.access(api.metricsTokenFile), Duration.ofSeconds(api.sleepAfterSeconds), database.url());
    }

    @Override
    public Integer call() throws Exception {
        MagsdConfig cfg = config();
        CountDownLatch stopped = new CountDownLatch(1);
        SingleNode node = SingleNode.start(cfg);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "magsd-shutdown"));
        stopped.await();
        return 0;
    }

    /** The API's settings of a cluster's control plane, from the options it shares with {@code serve}. */
    static ControlPlaneConfig controlPlaneConfig(ApiOptions api, JobDefaultsOptions jobDefaults, JobLimitsOptions jobLimits) {
        HostPort listen = HostPort.parse("--listen", api.listen);
        ControlPlaneConfig d = ControlPlaneConfig.defaults(listen.host(), listen.port(), jobDefaults.defaultImage);
        return d.toBuilder().maxJobTimeout(Duration.ofSeconds(api.maxJobTimeoutSeconds))
                .maxConcurrentJobs(api.maxConcurrentJobs).output(api.outputPolicy())
                .limits(jobLimits.limitsPolicy(jobDefaults))
                .workspaceIdleTimeout(Duration.ofSeconds(api.workspaceIdleTimeoutSeconds))
                .admission(api.admissionPolicy()).files(api.fileLimits())
                .metrics(MetricsTokenFile.access(api.metricsTokenFile))
                .sleepAfter(Duration.ofSeconds(api.sleepAfterSeconds)).apps(api.appsConfig()).build();
    }

    static ControlPlaneConfig controlPlaneConfig(MagsdConfig cfg) {
        ControlPlaneConfig d = ControlPlaneConfig.defaults(cfg.listen().host(), cfg.listen().port(), cfg.defaultImage());
        return d.toBuilder().maxJobTimeout(cfg.maxJobTimeout()).maxConcurrentJobs(cfg.maxConcurrentJobs())
                .output(cfg.output()).limits(cfg.limits()).workspaceIdleTimeout(cfg.workspaceIdleTimeout())
                .admission(cfg.admission()).files(cfg.files()).metrics(cfg.metrics()).sleepAfter(cfg.sleepAfter())
                .apps(cfg.apps()).build();
    }
}
