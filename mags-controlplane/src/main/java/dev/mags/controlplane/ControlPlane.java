package dev.mags.controlplane;

import dev.mags.controlplane.admission.Admission;
import dev.mags.controlplane.auth.TokenService;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.http.ApiServer;
import dev.mags.controlplane.job.JobRunner;
import dev.mags.controlplane.job.JobService;
import dev.mags.controlplane.job.OutputRegistry;
import dev.mags.controlplane.state.AdmissionQueries;
import dev.mags.controlplane.job.RetentionReaper;
import dev.mags.controlplane.ssh.SshAccess;
import dev.mags.controlplane.ssh.SshGateway;
import dev.mags.controlplane.ssh.SshGatewayConfig;
import dev.mags.controlplane.ssh.SshKeys;
import dev.mags.controlplane.ssh.SshTargets;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.JobStore;
import dev.mags.controlplane.state.LogStore;
import dev.mags.controlplane.state.SshKeyStore;
import dev.mags.controlplane.state.UserStore;
import dev.mags.controlplane.state.WorkspaceStore;
import dev.mags.controlplane.workspace.WorkspaceLocks;
import dev.mags.controlplane.workspace.WorkspaceReaper;
import dev.mags.controlplane.workspace.WorkspaceService;
import dev.mags.controlplane.placement.AgentDirectory;
import dev.mags.controlplane.placement.LiveSandboxes;
import dev.mags.controlplane.workspace.WorkspaceCatalog;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane wired together over a state store, the agents (through their directory) and workspace
 * storage's catalog. It takes over the directory (closing the control plane stops the agents' sandboxes, so
 * their jobs can record why they ended) but not the database, which the process's composition root closes last.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    private static final long LOG_FLUSH_MILLIS = 50;

    private final AgentDirectory agents;
    private final OutputRegistry outputs;
    private final JobRunner runner;
    private final JobService jobs;
    private final TokenService tokens;
    private final ApiServer api;
    private final WorkspaceReaper reaper;
    private final RetentionReaper retention;
    private final java.time.Duration reapPeriod;
    private final SshKeys sshKeys;
    private final SshAccess sshAccess = new SshAccess();
    private SshGateway sshGateway;
    private boolean closed;

    public ControlPlane(ControlPlaneConfig config, Database db, AgentDirectory agents, WorkspaceCatalog catalog,
            Clock clock) {
        this.agents = agents;
        LiveSandboxes live = new LiveSandboxes(agents);
        JobStore jobStore = new JobStore(db.jdbi());
        LogStore logStore = new LogStore(db.jdbi());
        this.tokens = new TokenService(new UserStore(db.jdbi()), clock);
        this.outputs = new OutputRegistry(logStore, config.output().maxBytesPerJob(), LOG_FLUSH_MILLIS);
        WorkspaceStore workspaceStore = new WorkspaceStore(db.jdbi());
        WorkspaceLocks workspaceLocks = new WorkspaceLocks();
        this.runner = new JobRunner(agents, live, jobStore, logStore, outputs, clock, config.maxConcurrentJobs(),
                config.stopGrace(), config.maxJobTimeout(), workspaceStore, workspaceLocks);
        WorkspaceService workspaceService = new WorkspaceService(workspaceStore, workspaceLocks, agents, live, catalog,
                config.limits().max().diskBytes(), config.stopGrace());
        Admission admission = new Admission(config.admission(), config.maxConcurrentJobs(),
                new AdmissionQueries(db.jdbi()), agents);
        this.jobs = new JobService(jobStore, logStore, outputs, runner, agents, catalog, clock, config.defaultImage(),
                config.maxJobTimeout(), config.limits(), workspaceStore, workspaceService, admission);
        this.reaper = new WorkspaceReaper(workspaceStore, workspaceLocks, agents, clock, config.workspaceIdleTimeout());
        this.reapPeriod = WorkspaceReaper.periodFor(config.workspaceIdleTimeout());
        this.retention = new RetentionReaper(jobStore, logStore, db, clock, config.output());
        this.sshKeys = new SshKeys(new SshKeyStore(db.jdbi()), clock);
        this.api = new ApiServer(config, tokens, jobs, workspaceService, outputs,
                () -> ApiServer.Health.of(config.defaultImage(), () -> agents.image(config.defaultImage()).isPresent()),
                sshKeys, sshAccess);
    }

    /** Settles jobs left over by a previous run of the process, then opens the API. */
    public ControlPlane start() {
        jobs.recoverAfterRestart();
        reaper.start(reapPeriod);
        retention.start();
        api.start();
        LOG.info("API listening on port {}", api.port());
        return this;
    }

    public int port() {
        return api.port();
    }

    /** Method and path template of every REST route. */
    public java.util.List<String> routes() {
        return api.routeSignatures();
    }

    public TokenService tokens() {
        return tokens;
    }

    /**
     * Starts the SSH gateway, with {@code targets} saying which sandbox a login name means; without this call
     * there is none ({@code /access} for port 22 answers 503). The control plane closes it.
     */
    public synchronized SshGateway startSshGateway(SshGatewayConfig config, SshTargets targets) {
        if (sshGateway != null) {
            throw new IllegalStateException("the SSH gateway runs already");
        }
        sshGateway = SshGateway.start(config, sshKeys, targets);
        sshAccess.attach(config.host(), sshGateway.port(), targets);
        return sshGateway;
    }

    /**
     * Graceful stop: no new requests, no new sandboxes; the agents stop their sandboxes (their
     * jobs end in error saying so) and the remaining output is written.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        api.close();
        if (sshGateway != null) {
            sshAccess.detach();
            sshGateway.close();
        }
        reaper.close();
        retention.close();
        runner.beginShutdown();
        agents.close();
        runner.close();
        outputs.close();
    }
}
