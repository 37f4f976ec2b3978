package dev.mags.controlplane.job;

import dev.mags.api.JobAccepted;
import dev.mags.api.JobInfo;
import dev.mags.api.JobLogs;
import dev.mags.api.JobPage;
import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.api.JobUpdate;
import dev.mags.api.LogEntry;
import dev.mags.controlplane.admission.Admission;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.error.UnavailableException;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.FileRecord;
import dev.mags.controlplane.state.JobStore;
import dev.mags.controlplane.state.LogStore;
import dev.mags.controlplane.state.WorkspaceStore;
import dev.mags.controlplane.workspace.WorkspaceName;
import dev.mags.controlplane.placement.AgentDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import dev.mags.api.WorkspaceSync;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.state.WorkspaceRecord;
import dev.mags.controlplane.workspace.WorkspaceService;
import dev.mags.controlplane.workspace.WorkspaceCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the REST API does with jobs: submit, look up, list, read output, stop. */
public final class JobService {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    public static final int MAX_PAGE_SIZE = 100;

    private final JobStore jobs;
    private final LogStore logs;
    private final OutputRegistry outputs;
    private final JobRunner runner;
    private final AgentDirectory agents;
    private final ImageCheck imageCheck;
    private final WorkspaceCatalog catalog;
    private final Clock clock;
    private final String defaultImage;
    private final JobRequestValidator validator;
    private final LimitsPolicy limits;
    private final WorkspaceStore workspaces;
    private final WorkspaceService workspaceService;
    private final Admission admission;
    private final JobFiles files;

    public JobService(JobStore jobs, LogStore logs, OutputRegistry outputs, JobRunner runner, AgentDirectory agents,
            WorkspaceCatalog catalog, Clock clock, String defaultImage, Duration maxTimeout, LimitsPolicy limits, WorkspaceStore workspaces,
            WorkspaceService workspaceService, Admission admission, JobFiles files) {
        this.admission = admission;
        this.files = files;
        this.workspaces = workspaces;
        this.workspaceService = workspaceService;
        this.jobs = jobs;
        this.logs = logs;
        this.outputs = outputs;
        this.runner = runner;
        this.agents = agents;
        this.imageCheck = new ImageCheck(agents);
        this.catalog = catalog;
        this.clock = clock;
        this.defaultImage = defaultImage;
        this.validator = new JobRequestValidator(maxTimeout);
        this.limits = limits;
    }

    public JobAccepted submit(Principal who, JobRequest request) {
        validator.validate(request);
        var sandboxLimits = limits.resolve(request);
        requireImage(defaultImage);
        String id = UUID.randomUUID().toString();
        boolean persistent = Boolean.TRUE.equals(request.persistent());
        WorkspaceName workspace = request.workspaceId() != null ? new WorkspaceName(request.workspaceId())
                : persistent ? generatedWorkspace(id) : null;
        boolean noSync = Boolean.TRUE.equals(request.noSync());
        BaseChoice base = resolveBase(who, request);
        List<String> fileIds = files.check(who.userId(), request.fileIds()).stream().map(FileRecord::id).toList();
        JobRecord job = new JobRecord(id, who.userId(), request.name(), request.script(),
                JobRequest.TYPE_INLINE, defaultImage,
                request.environment() == null ? java.util.Map.of() : request.environment(),
                request.timeoutSeconds(), sandboxLimits, JobStatus.PENDING, null, null, clock.instant(), null, null,
                workspace == null ? null : workspace.value(), persistent, noSync,
                base == null ? null : base.workspace(), base == null ? null : base.snapshot(), null,
                Boolean.TRUE.equals(request.noSleep()), request.startupCommand());
        Long resizedDisk = workspace == null ? null
                : workspaces.find(who.userId(), workspace.value()).map(WorkspaceRecord::diskBytes).orElse(null);
        admission.admit(new Admission.Candidate(who.userId(), job.workspaceId(), sandboxLimits, resizedDisk), () -> {
            if (workspace != null) {
                // Marked used now, so the idle reaper leaves it alone while the job waits its turn.
                workspaces.touch(who.userId(), workspace.value(), workspace.agentKey(who.userId()), clock.instant());
                if (persistent && !noSync) {
                    workspaces.markPersistent(who.userId(), workspace.value());
                }
                if (base != null) {
                    workspaces.setBaseIfNone(who.userId(), workspace.value(), base.workspace(), base.snapshot());
                }
            }
            jobs.insert(job);
            jobs.setFiles(job.id(), fileIds);
        });
        runner.enqueue(job);
        return JobAccepted.of(job.id());
    }

    /**
     * The workspace of a persistent job submitted without one (the reference names one for it): {@code ws-} and
     * the first 12 hex digits of the job's id, so that {@code mags status} shows it and later jobs can use it.
     */
    private static WorkspaceName generatedWorkspace(String jobId) {
        return new WorkspaceName("ws-" + jobId.replace("-", "").substring(0, 12));
    }

    /** The base workspace and the snapshot of it a job runs on. */
    private record BaseChoice(String workspace, String snapshot) {}

    /**
     * The base of a job: the one its workspace was forked from (pinned when the fork was made), or the
     * latest snapshot of the requested base workspace for a new workspace or a job without one.
     */
    private BaseChoice resolveBase(Principal who, JobRequest request) {
        Optional<WorkspaceRecord> existing = request.workspaceId() == null ? Optional.empty()
                : workspaces.find(who.userId(), request.workspaceId());
        if (existing.isPresent() && existing.get().baseSnapshot() != null) {
            WorkspaceRecord fork = existing.get();
            if (request.baseWorkspaceId() != null && !request.baseWorkspaceId().equals(fork.baseWorkspaceId())) {
                throw new BadRequestException("invalid_field", "workspace '" + fork.name() + "' was forked from '"
                        + fork.baseWorkspaceId() + "'; its base cannot change");
            }
            return new BaseChoice(fork.baseWorkspaceId(), fork.baseSnapshot());
        }
        String name = request.baseWorkspaceId();
        if (name == null) {
            return null;
        }
        if (existing.isPresent()) {
            throw new BadRequestException("invalid_field", "workspace '" + request.workspaceId() + "' already exists "
                    + "without a base; a base can only be given when a workspace is created");
        }
        WorkspaceRecord baseRow = workspaces.find(who.userId(), name).filter(WorkspaceRecord::persistent)
                .orElseThrow(() -> new NotFoundException("workspace_not_found", "no persistent workspace named '" + name
                        + "' to use as a base (create one with: mags run -w " + name + " -p ...)"));
        String snapshot = catalog.latestSnapshot(WorkspaceService.stored(who.userId(), baseRow.name())).orElseThrow(() ->
                new ConflictException("base_not_synced", "workspace '" + name + "' has no snapshot yet; "
                        + "sync it first: mags sync " + name));
        return new BaseChoice(name, snapshot);
    }

    /** Fails with 503 saying what to do when no sandbox of the image can start (image not built, no agent). */
    public void requireImage(String image) {
        imageCheck.problem(image).ifPresent(p -> {
            throw new UnavailableException(p.code(), p.message());
        });
    }

    public JobInfo status(Principal who, String jobId) {
        return JobViews.info(find(who, jobId));
    }

    /** Status of a job whose ownership the caller has already checked. */
    public JobInfo statusUnscoped(String jobId) {
        return jobs.findAnyUser(jobId).map(JobViews::info)
                .orElseThrow(() -> new NotFoundException("job_not_found", "no job with id '" + jobId + "'"));
    }

    /** One page of the caller's jobs, newest first; only those of {@code status} unless it is null. */
    public JobPage list(Principal who, int page, int pageSize, JobStatus status) {
        if (page < 1) {
            throw new BadRequestException("invalid_field", "'page' must be 1 or more (got " + page + ")");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new BadRequestException("invalid_field", "'page_size' must be between 1 and " + MAX_PAGE_SIZE
                    + " (got " + pageSize + ")");
        }
        List<JobInfo> infos = jobs.page(who.userId(), status, page, pageSize).stream().map(JobViews::info).toList();
        return new JobPage(infos, page, pageSize, jobs.count(who.userId(), status));
    }

    /** The next page of lines with seq > afterSeq, including lines of a running job not yet persisted. */
    public JobLogs logs(Principal who, String jobOrName, long afterSeq) {
        JobRecord job = find(who, jobOrName);
        return new JobLogs(job.id(), job.status(), outputs.page(job.id(), afterSeq).entries());
    }

    /**
     * Stops a job, given its id, its name or the name of its workspace. A persistent job's sandbox outlives its
     * script: stopping the job (or naming the workspace) also ends that sandbox, after a final sync, with every job
     * in it. A job named by its id or its own name that is no sandbox's owner ends alone: one that is not persistent
     * (a sandbox it made ends with it), or one that runs in the sandbox another job keeps for the workspace.
     */
    public JobInfo stop(Principal who, String jobOrWorkspace) {
        Optional<JobRecord> byId = lookup(who, jobOrWorkspace);
        if (byId.isPresent() && (byId.get().workspaceId() == null || endsAlone(byId.get(), jobOrWorkspace))) {
            JobRecord job = byId.get();
            if (!job.status().isFinal()) {
                runner.stop(job.id());
                if (job.workspaceId() != null) {
                    runner.awaitEnd(job.id(), Duration.ofMinutes(2));
                }
            }
            return status(who, job.id());
        }
        String name = byId.map(JobRecord::workspaceId).orElse(jobOrWorkspace);
        WorkspaceRecord ws = workspaces.find(who.userId(), name).orElseThrow(() -> notFound(jobOrWorkspace));
        JobRecord shown = byId.orElseGet(() -> jobs.latestInWorkspace(who.userId(), name).orElseThrow(() ->
                new NotFoundException("job_not_found", "workspace '" + name + "' has no jobs")));
        List<JobRecord> kept = new java.util.ArrayList<>();
        for (JobRecord active : jobs.activeInWorkspace(who.userId(), name)) {
            if (active.exitCode() != null) {
                kept.add(active); // a persistent job whose script has ended: it ends with the sandbox, below
                continue;
            }
            runner.stop(active.id());
            runner.awaitEnd(active.id(), Duration.ofMinutes(2));
        }
        try {
            workspaceService.endSandbox(ws);
        } finally {
            kept.forEach(k -> runner.awaitEnd(k.id(), Duration.ofMinutes(1)));
        }
        Optional<JobRecord> sleeping = jobs.sleepingInWorkspace(who.userId(), name);
        if (sleeping.isPresent() && !runner.endSleeping(sleeping.get().id())) {
            // a wake took it since: its new sandbox is live, and ends too
            workspaceService.endSandbox(ws);
            runner.awaitEnd(sleeping.get().id(), Duration.ofMinutes(1));
        }
        return status(who, shown.id());
    }

    private boolean endsAlone(JobRecord job, String named) {
        return !named.equals(job.workspaceId()) && (!job.persistent() || runner.runsInAnothersSandbox(job.id()));
    }

    /** Syncs the workspace of a job (or the workspace of that name) to storage now. */
    public WorkspaceSync sync(Principal who, String jobOrWorkspace) {
        String name = lookup(who, jobOrWorkspace).map(j -> {
            if (j.workspaceId() == null) {
                throw new ConflictException("workspace_not_persistent", "job " + j.id() + " has no workspace to sync");
            }
            return j.workspaceId();
        }).orElse(jobOrWorkspace);
        return workspaceService.sync(who, name);
    }

    /**
     * Changes a job's sandbox settings ({@code PATCH /mags-jobs/{id}}); fields left out keep their value.
     * {@code no_sleep} applies to persistent jobs only; a sleeping job set {@code no_sleep} is woken before the
     * answer.
     */
    public JobInfo update(Principal who, String jobOrName, JobUpdate update) {
        JobRecord job = find(who, jobOrName);
        if (update.noSleep() == null && update.startupCommand() == null) {
            throw new BadRequestException("invalid_field", "nothing to change: set 'no_sleep' or 'startup_command'");
        }
        JobRecord changed = job.withSleepSettings(update.noSleep() == null ? job.noSleep() : update.noSleep(),
                update.startupCommand() == null ? job.startupCommand()
                        : update.startupCommand().isEmpty() ? null : update.startupCommand());
        validator.validateSleepSettings(job.persistent(), changed.noSleep(), changed.startupCommand());
        jobs.updateSleepSettings(who.userId(), job.id(), changed.noSleep(), changed.startupCommand());
        if (changed.noSleep() && job.status() == JobStatus.SLEEPING) {
            wakeAlwaysOn(changed); // always-on from now: it does not wait for its next use
        }
        return status(who, job.id());
    }

    /**
     * The job that {@code jobOrName} means if the caller owns it: a request id, else the newest of the caller's
     * jobs of that name or in the workspace of that name (live ones first); otherwise 404, whether or not
     * another user has one.
     */
    public JobRecord find(Principal who, String jobOrName) {
        return lookup(who, jobOrName).orElseThrow(() -> notFound(jobOrName));
    }

    private Optional<JobRecord> lookup(Principal who, String jobOrName) {
        return jobs.findByIdOrName(who.userId(), jobOrName);
    }

    private static NotFoundException notFound(String jobOrName) {
        return new NotFoundException("job_not_found", "no job, job name or workspace '" + jobOrName
                + "' of yours; `mags list` shows your jobs");
    }

    /**
     * After a restart: jobs that were running lost their sandbox (the agent reaped it), so they end in error
     * saying so, except persistent ones, whose disk stays: they sleep, and the always-on ({@code no_sleep}) ones
     * among the sleeping are started again at once. A pending job that was launched may have started its script before the crash: it ends in
     * error too, and is not run again. Jobs still pending that were never launched run now.
     */
    public void recoverAfterRestart() {
        for (JobRecord job : jobs.withStatus(JobStatus.RUNNING)) {
            if (job.persistent() && job.workspaceId() != null) {
                // its sandbox is gone, its disk stays: it sleeps, and is woken on use (or now, below, if always-on)
                jobs.markSleeping(job.id());
                LOG.info("job {} was running when magsd stopped; its sandbox sleeps until it is used", job.id());
                continue;
            }
            jobs.finish(job.id(), JobStatus.ERROR, null,
                    "magsd stopped while the job was running; its sandbox was removed when magsd restarted at "
                            + clock.instant(), clock.instant());
            LOG.info("job {} was running when magsd stopped; marked as error", job.id());
        }
        for (JobRecord job : jobs.withStatus(JobStatus.PENDING)) {
            if (job.launchedAt() != null) {
                jobs.finish(job.id(), JobStatus.ERROR, null, INTERRUPTED_LAUNCH + clock.instant(), clock.instant());
                LOG.info("job {} was being started when magsd stopped; marked as error, not run again", job.id());
                continue;
            }
            LOG.info("resuming pending job {}", job.id());
            runner.enqueue(job);
        }
        for (JobRecord job : jobs.withStatus(JobStatus.SLEEPING)) {
            if (job.noSleep()) {
                // always-on: started again on its disk (restored from storage when the host has none), off the
                // start's path, with its startup command
                Thread.ofVirtual().name("wake-" + job.id()).start(() -> wakeAlwaysOn(job));
            }
        }
    }

    private void wakeAlwaysOn(JobRecord job) {
        try {
            runner.wake(job);
        } catch (RuntimeException e) {
            LOG.warn("always-on job {} could not be started again after the restart; it stays sleeping and is woken on"
                    + " use: {}", job.id(), e.getMessage());
        }
    }

    /**
     * In a cluster: takes over the unfinished jobs of control-plane replica {@code replica}, which stopped (its
     * heartbeat is old), and settles them as a restart settles a single node's: the sandbox of a running job ends
     * (after a final sync when it keeps a stored workspace, whose job then sleeps and is woken on use, always-on
     * ones at once); other running jobs end in error; pending ones run here, unless their launch had begun.
     * Returns how many it took.
     */
    public int adoptJobsOf(String replica) {
        List<JobRecord> adopted = jobs.adopt(replica);
        Instant now = clock.instant();
        for (JobRecord job : adopted) {
            try {
                settleAdopted(job, replica, now);
            } catch (RuntimeException e) {
                LOG.warn("job {} of stopped replica {} could not be settled: {}", job.id(), replica, e.toString());
            }
        }
        return adopted.size();
    }

    private void settleAdopted(JobRecord job, String replica, Instant now) {
        switch (job.status()) {
            case RUNNING -> {
                boolean kept = job.persistent() && job.workspaceId() != null;
                Optional<dev.mags.protocol.v2.Sandbox> sandbox = kept
                        ? agents.onWorkspace(dev.mags.protocol.v2.WorkspaceKey.of(JobSandboxes.workspaceKey(job)))
                        : agents.sandbox(dev.mags.protocol.v2.SandboxId.of(job.id()));
                sandbox.ifPresent(s -> s.stop(java.time.Duration.ofSeconds(5), kept).join());
                if (kept) {
                    jobs.markSleeping(job.id());
                    LOG.info("job {}: replica {} that ran it stopped; its sandbox sleeps until it is used", job.id(),
                            replica);
                    if (job.noSleep()) {
                        Thread.ofVirtual().name("wake-" + job.id()).start(() -> wakeAlwaysOn(job));
                    }
                } else {
                    jobs.finish(job.id(), JobStatus.ERROR, null, "the control plane replica that ran the job ("
                            + replica + ") stopped; its sandbox was removed at " + now, now);
                    LOG.info("job {}: replica {} that ran it stopped; marked as error", job.id(), replica);
                }
            }
            case PENDING -> {
                if (job.launchedAt() != null) {
                    jobs.finish(job.id(), JobStatus.ERROR, null, "the control plane replica that was starting the "
                            + "job (" + replica + ") stopped; its script may or may not have started and was not run "
                            + "again (check its output and workspace; submit it again if it did not run)", now);
                } else {
                    LOG.info("job {}: replica {} that had it queued stopped; it runs here", job.id(), replica);
                    runner.enqueue(job);
                }
            }
            case SLEEPING -> {
                if (job.noSleep()) {
                    Thread.ofVirtual().name("wake-" + job.id()).start(() -> wakeAlwaysOn(job));
                }
            }
            default -> { }
        }
    }

    /** The reason of a job whose launch a crash interrupted; the time of the restart follows. */
    private static final String INTERRUPTED_LAUNCH = "magsd stopped while starting the job; its script may or may "
            + "not have started and was not run again (check its output and workspace; submit it again if it did "
            + "not run); its sandbox was removed when magsd restarted at ";
}
