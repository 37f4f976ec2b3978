package dev.mags.controlplane;

import dev.mags.controlplane.admission.Admission;
import dev.mags.controlplane.apps.AppHosts;
import dev.mags.controlplane.apps.AppProxy;
import dev.mags.controlplane.apps.AppUrls;
import dev.mags.controlplane.auth.TokenService;
import dev.mags.controlplane.cluster.AgentRegistry;
import dev.mags.controlplane.cluster.HeartbeatRoute;
import dev.mags.controlplane.auth.Tokens;
import dev.mags.controlplane.auth.Users;
import dev.mags.controlplane.metrics.Metrics;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.files.FileBlobs;
import dev.mags.controlplane.files.FileReaper;
import dev.mags.controlplane.files.UploadedFiles;
import dev.mags.controlplane.cron.CronScheduler;
import dev.mags.controlplane.cron.CronService;
import dev.mags.controlplane.cron.CronStore;
import dev.mags.controlplane.exec.ExecLimits;
import dev.mags.controlplane.exec.ExecSessions;
import dev.mags.controlplane.exec.ExecTargets;
import dev.mags.controlplane.http.ApiServer;
import dev.mags.controlplane.job.JobFiles;
import dev.mags.controlplane.job.JobRunner;
import dev.mags.controlplane.job.JobService;
import dev.mags.controlplane.job.OutputRegistry;
import dev.mags.controlplane.state.AdmissionQueries;
import dev.mags.controlplane.job.RetentionReaper;
import dev.mags.controlplane.job.SandboxActivity;
import dev.mags.controlplane.job.SandboxSleeper;
import dev.mags.controlplane.job.SandboxTargets;
import dev.mags.controlplane.ssh.SshAccess;
import dev.mags.controlplane.ssh.SshGateway;
import dev.mags.controlplane.ssh.SshGatewayConfig;
import dev.mags.controlplane.ssh.SshKeys;
import dev.mags.controlplane.ssh.SshTargets;
import dev.mags.controlplane.state.AppRouteStore;
import dev.mags.controlplane.state.UsageStore;
import dev.mags.controlplane.usage.SandboxUsageRecorder;
import dev.mags.controlplane.usage.UsageService;
import dev.mags.controlplane.state.Database;
import dev.mags.controlplane.state.FileStore;
import dev.mags.controlplane.state.JobStore;
import dev.mags.controlplane.state.ReplicaStore;
import dev.mags.controlplane.replica.Replicas;
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
import dev.mags.wire.WireProtocol;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.function.BooleanSupplier;
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
    private final Metrics metrics;
    private final WorkspaceReaper reaper;
    private final RetentionReaper retention;
    private final java.time.Duration reapPeriod;
    private final SshKeys sshKeys;
    private final UploadedFiles files;
    private final FileReaper fileReaper;
    private final CronScheduler cron;
    private final SshAccess sshAccess = new SshAccess();
    private final ExecSessions execs;
    private final SandboxTargets targets;
    private final SandboxSleeper sleeper;
    private final Clock clock;
    private SshGateway sshGateway;
    private volatile BooleanSupplier leads = () -> true;
    private final JobStore jobStore;
    private Replicas replicas;
    private boolean closed;

    /** @param fileBlobs where uploaded files are kept (the bucket of workspace storage) */
    public ControlPlane(ControlPlaneConfig config, Database db, AgentDirectory agents, WorkspaceCatalog catalog,
            FileBlobs fileBlobs, Clock clock) {
        this(config, db, agents, catalog, fileBlobs, clock, ExecLimits.defaults(config.maxJobTimeout()));
    }

    public ControlPlane(ControlPlaneConfig config, Database db, AgentDirectory agents, WorkspaceCatalog catalog,
            FileBlobs fileBlobs, Clock clock, ExecLimits execLimits) {
        this(config, db, agents, catalog, fileBlobs, clock, execLimits, Metrics.newRegistry());
    }

    /**
     * @param meters the process's registry, where the agents may have registered their meters already; the control
     *               plane adds its own and serves them all at {@code /metrics}, and closes it
     */
    public ControlPlane(ControlPlaneConfig config, Database db, AgentDirectory agents, WorkspaceCatalog catalog,
            FileBlobs fileBlobs, Clock clock, ExecLimits execLimits, PrometheusMeterRegistry meters) {
        this.agents = agents;
        this.clock = clock;
        this.metrics = new Metrics(meters, db.jdbi(), agents, clock);
        this.execs = new ExecSessions(execLimits, meters);
        LiveSandboxes live = new LiveSandboxes(agents);
        JobStore jobStore = new JobStore(db.jdbi());
        this.jobStore = jobStore;
        LogStore logStore = new LogStore(db.jdbi());
        UserStore userStore = new UserStore(db.jdbi());
        this.tokens = new TokenService(userStore, clock);
        this.outputs = new OutputRegistry(logStore, config.output().maxBytesPerJob(), LOG_FLUSH_MILLIS);
        WorkspaceStore workspaceStore = new WorkspaceStore(db.jdbi());
        WorkspaceLocks workspaceLocks = new WorkspaceLocks();
        SandboxActivity activity = new SandboxActivity(clock);
        this.files = new UploadedFiles(new FileStore(db.jdbi()), fileBlobs, config.files(), clock);
        JobFiles jobFiles = new JobFiles(jobStore, files);
        UsageStore usageStore = new UsageStore(db.jdbi());
        this.runner = new JobRunner(agents, live, jobStore, logStore, outputs, clock, config.maxConcurrentJobs(),
                config.stopGrace(), config.maxJobTimeout(), workspaceStore, workspaceLocks, activity, jobFiles,
                new SandboxUsageRecorder(usageStore, clock));
        this.sleeper = new SandboxSleeper(jobStore, live, activity, runner, clock, config.sleepAfter());
        WorkspaceService workspaceService = new WorkspaceService(workspaceStore, workspaceLocks, agents, live, catalog,
                config.limits().max().diskBytes(), config.stopGrace());
        Admission admission = new Admission(config.admission(), config.maxConcurrentJobs(),
                new AdmissionQueries(db.jdbi()), agents);
        this.jobs = new JobService(jobStore, logStore, outputs, runner, agents, catalog, clock, config.defaultImage(),
                config.maxJobTimeout(), config.limits(), workspaceStore, workspaceService, admission, jobFiles);
        this.reaper = new WorkspaceReaper(workspaceStore, workspaceLocks, agents, clock, config.workspaceIdleTimeout());
        this.reapPeriod = WorkspaceReaper.periodFor(config.workspaceIdleTimeout());
        this.retention = new RetentionReaper(jobStore, logStore, db, clock, config.output());
        this.sshKeys = new SshKeys(new SshKeyStore(db.jdbi()), clock);
        this.fileReaper = new FileReaper(files);
        CronStore cronStore = new CronStore(db.jdbi());
        this.cron = new CronScheduler(cronStore, jobs, clock);
        this.targets = new SandboxTargets(jobStore, live, activity, job -> {
            try {
                return runner.wake(job);
            } catch (dev.mags.protocol.v2.AgentException e) {
                throw dev.mags.controlplane.workspace.AgentFailures.of(e);
            }
        });
        AppUrls appUrls = new AppUrls(new AppRouteStore(db.jdbi()), jobStore, config.apps(), clock);
        AppProxy appProxy = new AppProxy(new AppHosts(config.apps().domain()), appUrls, targets.app(),
                metrics.registry());
        this.api = new ApiServer(config, tokens, jobs, workspaceService, outputs,
                () -> ApiServer.Health.of(config.defaultImage(), new dev.mags.controlplane.job.ImageCheck(agents)
                        .problem(config.defaultImage()).map(dev.mags.controlplane.job.ImageCheck.Problem::message)),
                sshKeys, sshAccess, files, new Tokens(userStore, tokens), new Users(userStore, tokens, clock), metrics,
                new CronService(cronStore, jobs, clock, cron::wake), execs, appUrls, appProxy,
                new UsageService(usageStore, new FileStore(db.jdbi()), catalog, clock));
    }

    /**
     * Settles jobs left over by a previous run of the process (single node), starts the cron scheduler (which first
     * starts the runs missed while the process was down), then opens the API. A cluster's replica settles nothing
     * at start: the leader takes over the jobs of replicas that stopped (see {@link #joinCluster}).
     */
    public ControlPlane start() {
        if (replicas == null) {
            jobs.recoverAfterRestart();
        } else {
            replicas.start();
        }
        cron.start(() -> leads.getAsBoolean());
        reaper.start(reapPeriod, () -> leads.getAsBoolean());
        sleeper.start();
        retention.start(() -> leads.getAsBoolean());
        fileReaper.start(() -> leads.getAsBoolean());
        api.start();
        LOG.info("API listening on port {}", api.port());
        return this;
    }

    /**
     * Makes this control plane replica {@code replicaId} of a cluster: the jobs it takes are recorded as its own, it
     * heartbeats in {@code store}, and while {@code leads} it runs the singletons (see {@link #leadWhile}) and takes
     * over the jobs of replicas silent for longer than {@code lostAfter}. Call before {@link #start()}.
     */
    public void joinCluster(String replicaId, BooleanSupplier leads, ReplicaStore store, java.time.Duration lostAfter) {
        jobStore.runAs(replicaId);
        leadWhile(leads);
        replicas = new Replicas(replicaId, store, jobs, leads, clock, lostAfter);
    }

    /**
     * In a cluster: the singletons (cron, the workspace, output and file reapers) work only while {@code leads} says
     * this replica leads; single-node, they always do. Call before {@link #start()}.
     */
    public void leadWhile(BooleanSupplier leads) {
        this.leads = leads;
    }

    public int port() {
        return api.port();
    }

    /**
     * Takes the heartbeats of a cluster's agents ({@code POST /internal/v2/agents/heartbeat}, no part of the public
     * API) into {@code registry}, from callers with {@code agentSecret} as bearer token. Cluster mode only (the
     * directory is then a {@code ClusterDirectory} over the same registry); before {@link #start()}.
     */
    public void acceptHeartbeats(String agentSecret, AgentRegistry registry) {
        api.addInternalRoute("POST", WireProtocol.HEARTBEAT_PATH, new HeartbeatRoute(agentSecret, registry, clock));
    }

    /** The port public URLs are served on (the API's unless they have a listener of their own). */
    public int appsPort() {
        return api.appsPort();
    }

    /** Method and path template of every REST route. */
    public java.util.List<String> routes() {
        return api.routeSignatures();
    }

    /** The cron scheduler, whose {@link CronScheduler#runDue()} tests call after moving their clock. */
    CronScheduler cronScheduler() {
        return cron;
    }

    /**
     * The sandboxes that execs and SSH channels work in: the caller's jobs' live sandboxes, as
     * {@link #enableExec} and {@link #startSshGateway} take them.
     */
    public SandboxTargets sandboxTargets() {
        return targets;
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
        sshGateway = SshGateway.start(config, sshKeys, targets, metrics.registry());
        sshAccess.attach(config.host(), sshGateway.port(), targets);
        return sshGateway;
    }

    /**
     * Lets {@code POST} and WebSocket {@code GET /mags-jobs/{id}/exec} run commands in the sandboxes {@code targets}
     * names; until this call they answer 503 ({@code exec_unavailable}).
     */
    public void enableExec(ExecTargets targets) {
        execs.attach(targets);
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
        if (replicas != null) {
            replicas.close();
        }
        execs.close(); // hangs running execs up, so that their requests end before the API's grace runs out
        api.close();
        cron.close();
        if (sshGateway != null) {
            sshAccess.detach();
            sshGateway.close();
        }
        reaper.close();
        sleeper.close();
        retention.close();
        fileReaper.close();
        runner.beginShutdown();
        agents.close();
        runner.close();
        outputs.close();
        metrics.close();
    }
}
