package dev.mags.dist;

import dev.mags.controlplane.ControlPlane;
import dev.mags.controlplane.auth.TokenService;
import dev.mags.controlplane.cluster.AgentMonitor;
import dev.mags.controlplane.cluster.AgentRegistry;
import dev.mags.controlplane.cluster.ClusterDirectory;
import dev.mags.controlplane.exec.ExecLimits;
import dev.mags.controlplane.metrics.Metrics;
import dev.mags.controlplane.ssh.SshGatewayConfig;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.LeaderLock;
import dev.mags.controlplane.state.ReplicaStore;
import dev.mags.controlplane.state.UserStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code magsd control-plane}: one replica of a cluster's control plane over PostgreSQL,
 * the cluster's S3 store and the agents that heartbeat to it. It holds no state of its own: any replica answers any
 * request; the one holding the leader lock runs cron, the reapers and the takeover of stopped replicas' jobs.
 */
final class ControlPlaneNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneNode.class);
    private final Opened opened;
    private final ControlPlane controlPlane;

    private ControlPlaneNode(Opened opened, ControlPlane controlPlane) {
        this.opened = opened;
        this.controlPlane = controlPlane;
    }

    static ControlPlaneNode start(ClusterConfig cfg) throws IOException {
        Opened opened = new Opened();
        try {
            Files.createDirectories(cfg.dataDir());
            Files.setPosixFilePermissions(cfg.dataDir(), PosixFilePermissions.fromString("rwx------"));
            Database db = Database.open(cfg.database(), null);
            opened.push(db);
            opened.push(db.claimClusterMember(cfg.database()));
            TokenService tokens = new TokenService(new UserStore(db.jdbi()), Clock.systemUTC());
            if (AdminBootstrap.ensureAdmin(new UserStore(db.jdbi()), tokens, cfg.adminTokenFile())) {
                LOG.info("created user 'admin'; its API token is in {}", cfg.adminTokenFile());
            }
            PrometheusMeterRegistry meters = Metrics.newRegistry();
            opened.push(meters::close);
            LeaderLock leader = new LeaderLock(db, Duration.ofSeconds(2));
            WorkspaceStorageNode storage = WorkspaceStorageNode.open(cfg.storage().collectingWhile(leader::leader), meters);
            opened.push(storage);
            AgentRegistry registry = new AgentRegistry(db.jdbi());
            ClusterDirectory agents = ClusterDirectory.remote(registry, cfg.secret(), cfg.agentCa(),
                    new ClusterDirectory.DiskSettings(cfg.controlPlane().admission().diskReserveBytes(),
                            cfg.controlPlane().admission().diskOvercommit()));
            opened.push(agents);
            AgentMonitor monitor = new AgentMonitor(registry, agents, cfg.agentLostAfter(), Clock.systemUTC());
            ControlPlane cp = new ControlPlane(cfg.controlPlane(), db, agents, new StorageCatalog(storage.backup().storage()),
                    storage.files(), Clock.systemUTC(), ExecLimits.defaults(cfg.controlPlane().maxJobTimeout()), meters);
            opened.handOver(agents); // the control plane now closes the directory
            opened.push(cp);
            cp.joinCluster(cfg.replicaId(), leader::leader, new ReplicaStore(db.jdbi()), cfg.replicaLostAfter());
            cp.acceptHeartbeats(cfg.secret(), registry);
            cp.enableExec(cp.sandboxTargets().exec());
            cp.startSshGateway(new SshGatewayConfig(cfg.sshListen().host(), cfg.sshListen().port(),
                    cfg.sshHostKeyFile()), cp.sandboxTargets().ssh());
            opened.push(monitor.start());
            opened.push(leader.start());
            cp.start();
            LOG.info("magsd control-plane {} (replica {}) serving http://{}:{}, state in PostgreSQL {}", Version.current(),
                    cfg.replicaId(), cfg.controlPlane().listenHost(), cp.port(), cfg.database());
            // its listening sockets must not outlive it in a process it was starting when it was killed
            dev.mags.agent.process.CloseOnExec.markSockets();
            return new ControlPlaneNode(opened, cp);
        } catch (RuntimeException | IOException e) {
            opened.closeAfter(e);
            throw e;
        }
    }

    int port() {
        return controlPlane.port();
    }

    @Override
    public synchronized void close() {
        LOG.info("magsd control-plane shutting down");
        opened.close();
        LOG.info("magsd control-plane stopped");
    }

}
