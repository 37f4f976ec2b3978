package dev.mags.dist;

import dev.mags.controlplane.exec.ExecLimits;
import dev.mags.controlplane.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.mags.controlplane.ControlPlane;
import dev.mags.controlplane.auth.TokenService;
import dev.mags.controlplane.ssh.SshGatewayConfig;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.UserStore;
import dev.mags.controlplane.placement.AgentDirectory;
import dev.mags.controlplane.placement.SingleAgent;
import dev.mags.protocol.v2.Agent;
import dev.mags.protocol.v2.ReconcileReport;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code magsd serve}: state store, workspace storage, agent and control plane in one
 * process. Everything it opens is closed in reverse order, also when starting fails half-way.
 */
final class SingleNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SingleNode.class);
    private final Opened opened;
    private final ControlPlane controlPlane;

    private SingleNode(Opened opened, ControlPlane controlPlane) {
        this.opened = opened;
        this.controlPlane = controlPlane;
    }

    static SingleNode start(MagsdConfig cfg) throws IOException {
        Opened opened = new Opened();
        try {
            long sandboxGid = Agents.config(cfg).idMapping().start();
            DataDirModes.create(cfg.dataDir(), sandboxGid);
            opened.push(DataDirLock.acquire(cfg.dataDir()));
            secure(cfg.dataDir(), sandboxGid);
            if (cfg.database() == null) {
                // SQLite creates its file 0644 less the umask, and its -wal, -shm and journal with the database's mode
                DataDirModes.createPrivateFile(cfg.stateDb());
            }
            Database db = Database.open(cfg.database(), cfg.stateDb());
            opened.push(db);
            opened.push(db.claimSingleServer(cfg.database()));
            TokenService tokens = new TokenService(new UserStore(db.jdbi()), Clock.systemUTC());
            if (AdminBootstrap.ensureAdmin(new UserStore(db.jdbi()), tokens, cfg.adminTokenFile())) {
                LOG.info("created user 'admin'; its API token is in {}", cfg.adminTokenFile());
            }
            // One registry for the process: the agent's warm pool and syncs record into it, the control plane serves it.
            PrometheusMeterRegistry meters = Metrics.newRegistry();
            opened.push(meters::close);
            WorkspaceStorageNode storage = WorkspaceStorageNode.open(cfg, meters);
            opened.push(storage);
            Agent agent = Agents.local(cfg, storage.backup(), meters);
            AgentDirectory agents = new SingleAgent(agent);
            opened.push(agents);
            // Single node: nothing of an earlier run can still be live, so everything found is reaped.
            ReconcileReport report = agent.reconcile(Set.of());
            if (!report.reaped().isEmpty()) {
                LOG.info("removed leftovers of {} sandboxes from an earlier run: {}", report.reaped().size(),
                        report.reaped());
            }
            report.problems().forEach(p -> LOG.warn("could not clean up: {}", p));
            if (agent.image(cfg.defaultImage()).isEmpty()) {
                LOG.warn("default image '{}' is not built; jobs will be refused until you run: bin/magsd image build {}",
                        cfg.defaultImage(), cfg.defaultImage());
            }
            var cpConfig = ServeCommand.controlPlaneConfig(cfg);
            ControlPlane cp = new ControlPlane(cpConfig, db, agents, new StorageCatalog(storage.backup().storage()),
                    storage.files(), Clock.systemUTC(), ExecLimits.defaults(cpConfig.maxJobTimeout()), meters);
            opened.handOver(agents); // the control plane now closes the agents
            opened.push(cp);
            cp.enableExec(cp.sandboxTargets().exec());
            cp.startSshGateway(new SshGatewayConfig(cfg.sshListen().host(), cfg.sshListen().port(),
                    cfg.sshHostKeyFile()), cp.sandboxTargets().ssh());
            cp.start();
            LOG.info("magsd {} serving http://{}:{} (data dir {}, images {}, default image {}, state in {})",
                    Version.current(), cfg.listen().host(), cp.port(), cfg.dataDir(), cfg.imagesDir(), cfg.defaultImage(),
                    cfg.database() == null ? "SQLite " + cfg.stateDb() : "PostgreSQL " + cfg.database());
            // its listening sockets must not outlive it in a process it was starting when it was killed
            dev.mags.agent.process.CloseOnExec.markSockets();
            return new SingleNode(opened, cp);
        } catch (RuntimeException | IOException e) {
            opened.closeAfter(e);
            throw e;
        }
    }

    int port() {
        return controlPlane.port();
    }

    /** Makes the data dir private (see {@link DataDirModes}), saying what it changed. */
    static void secure(java.nio.file.Path dataDir, long sandboxGid) throws IOException {
        List<DataDirModes.Change> changes = DataDirModes.secure(dataDir, sandboxGid);
        if (!changes.isEmpty()) {
            int shown = Math.min(changes.size(), 20);
            LOG.warn("made the data dir {} private (owner:group mode before -> after): {}{}", dataDir,
                    changes.subList(0, shown).stream().map(Object::toString).collect(Collectors.joining(", ")),
                    changes.size() > shown ? " and " + (changes.size() - shown) + " more" : "");
        }
        DataDirModes.blockedAncestor(dataDir, sandboxGid).ifPresent(p -> LOG.warn("sandboxes cannot start: their "
                + "root (host uid and gid {}) cannot pass through {}; give it mode 0711 or choose another --data-dir",
                sandboxGid, p));
    }

    @Override
    public synchronized void close() {
        LOG.info("magsd shutting down");
        opened.close();
        LOG.info("magsd stopped");
    }

}
