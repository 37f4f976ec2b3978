package dev.mags.dist;

import dev.mags.wire.tls.PemTls;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code magsd control-plane}: one replica of a cluster's control plane. */
@Command(name = "control-plane", mixinStandardHelpOptions = true,
        description = "Run one replica of a cluster's control plane: the REST API, SSH gateway and public URLs over "
                + "PostgreSQL (--database-url) and the cluster's S3 store (--s3-endpoint), with the sandboxes of the "
                + "agents (magsd agent) that heartbeat to it. Run several behind any load balancer: any replica "
                + "answers any request.",
        footer = {"", "bin/magsd runs the JVM with -Xmx from MAGS_HEAP (default 1g)",
            "and -XX:+ExitOnOutOfMemoryError; MAGS_JAVA_OPTS adds JVM options."})
final class ControlPlaneCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "${env:MAGS_DATA_DIR:-/var/lib/mags}",
            description = "This replica's own files: the admin token it writes when it creates the first admin, the "
                    + "SSH host key unless --ssh-host-key-file (env MAGS_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Mixin
    DatabaseOption database;

    @Mixin
    ApiOptions api;

    @Mixin
    JobDefaultsOptions jobDefaults;

    @Mixin
    JobLimitsOptions jobLimits;

    @Mixin
    StorageOptions storage;

    @Option(names = "--agent-secret-file", defaultValue = "${env:MAGS_AGENT_SECRET_FILE}", paramLabel = "FILE",
            description = "File holding the secret control planes and agents share (16 or more characters; env "
                    + "MAGS_AGENT_SECRET_FILE). Required.")
    Path secretFile;

    @Option(names = "--ssh-host-key-file", defaultValue = "${env:MAGS_SSH_HOST_KEY_FILE}", paramLabel = "FILE",
            description = "The SSH gateway's host key (env MAGS_SSH_HOST_KEY_FILE; default "
                    + "<data-dir>/ssh_host_ed25519_key, made on first start). Give every replica the same file.")
    Path sshHostKeyFile;

    @Option(names = "--replica-id", defaultValue = "${env:MAGS_REPLICA_ID}",
            description = "This replica's name among the others (env MAGS_REPLICA_ID; default the host name and a "
                    + "random suffix, new at each start).")
    String replicaId;

    @Option(names = "--agent-lost-after", defaultValue = "${env:MAGS_AGENT_LOST_AFTER:-15}",
            description = "Seconds of silence after which an agent is declared lost: its jobs end in error, its "
                    + "always-on sandboxes start elsewhere (env MAGS_AGENT_LOST_AFTER, default ${DEFAULT-VALUE}).")
    long agentLostAfterSeconds;

    @Option(names = "--replica-lost-after", defaultValue = "${env:MAGS_REPLICA_LOST_AFTER:-15}",
            description = "Seconds of silence after which another replica is taken for stopped, and the leader takes "
                    + "over its jobs (env MAGS_REPLICA_LOST_AFTER, default ${DEFAULT-VALUE}).")
    long replicaLostAfterSeconds;

    @Option(names = "--agent-ca", defaultValue = "${env:MAGS_AGENT_CA}", paramLabel = "FILE",
            description = "PEM certificates (e.g. a private CA's) to check the certificates of agents served over HTTPS "
                    + "(magsd agent --tls-cert) against, host names included (env MAGS_AGENT_CA; default the JVM's "
                    + "trusted CAs).")
    Path agentCa;

    ClusterConfig config() throws java.net.UnknownHostException {
        Path dir = dataDir.toAbsolutePath().normalize();
        String id = replicaId != null && !replicaId.isBlank() ? replicaId
                : InetAddress.getLocalHost().getHostName() + "-" + HexFormat.of().toHexDigits(
                        ThreadLocalRandom.current().nextInt());
        var cp = ServeCommand.controlPlaneConfig(api, jobDefaults, jobLimits);
        return new ClusterConfig(cp, database.url(), dir, HostPort.parse("--ssh-listen", api.sshListen),
                sshHostKeyFile != null ? sshHostKeyFile.toAbsolutePath() : dir.resolve("ssh_host_ed25519_key"),
                new WorkspaceStorageNode.Settings(dir, storage.s3(), storage.snapshotKeep,
                        Duration.ofSeconds(storage.workspaceSyncIntervalSeconds), () -> false),
                SecretFile.read(secretFile), id, Duration.ofSeconds(agentLostAfterSeconds),
                Duration.ofSeconds(replicaLostAfterSeconds), agentCa == null ? null : PemTls.trusting(agentCa));
    }

    @Override
    public Integer call() throws Exception {
        ClusterConfig cfg = config();
        CountDownLatch stopped = new CountDownLatch(1);
        ControlPlaneNode node = ControlPlaneNode.start(cfg);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "magsd-control-plane-shutdown"));
        stopped.await();
        return 0;
    }
}
