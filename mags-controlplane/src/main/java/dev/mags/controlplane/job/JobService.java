package dev.mags.controlplane.job;

import dev.mags.api.JobAccepted;
import dev.mags.api.JobInfo;
import dev.mags.api.JobLogs;
import dev.mags.api.JobPage;
import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.api.LogEntry;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.error.UnavailableException;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.JobStore;
import dev.mags.controlplane.state.LogStore;
import dev.mags.controlplane.state.WorkspaceStore;
import dev.mags.controlplane.workspace.WorkspaceName;
import dev.mags.protocol.v1.Agent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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
    private final Agent agent;
    private final Clock clock;
    private final String defaultImage;
    private final JobRequestValidator validator;
    private final LimitsPolicy limits;
    private final WorkspaceStore workspaces;

    public JobService(JobStore jobs, LogStore logs, OutputRegistry outputs, JobRunner runner, Agent agent,
            Clock clock, String defaultImage, Duration maxTimeout, LimitsPolicy limits, WorkspaceStore workspaces) {
        this.workspaces = workspaces;
        this.jobs = jobs;
        this.logs = logs;
        this.outputs = outputs;
        this.runner = runner;
        this.agent = agent;
        this.clock = clock;
        this.defaultImage = defaultImage;
        this.validator = new JobRequestValidator(maxTimeout);
        this.limits = limits;
    }

    public JobAccepted submit(Principal who, JobRequest request) {
        validator.validate(request);
        var sandboxLimits = limits.resolve(request);
        requireImage(defaultImage);
        WorkspaceName workspace = request.workspaceId() == null ? null : new WorkspaceName(request.workspaceId());
        JobRecord job = new JobRecord(UUID.randomUUID().toString(), who.userId(), request.name(), request.script(),
                JobRequest.TYPE_INLINE, defaultImage,
                request.environment() == null ? java.util.Map.of() : request.environment(),
                request.timeoutSeconds(), sandboxLimits, JobStatus.PENDING, null, null, clock.instant(), null, null,
                workspace == null ? null : workspace.value());
        if (workspace != null) {
            // Marked used now, so the idle reaper leaves it alone while the job waits its turn.
            workspaces.touch(who.userId(), workspace.value(), workspace.agentKey(who.userId()), clock.instant());
        }
        jobs.insert(job);
        runner.enqueue(job);
        return JobAccepted.of(job.id());
    }

    /** Fails with 503 and the command that builds the image when it is missing. */
    public void requireImage(String image) {
        if (agent.image(image).isEmpty()) {
            throw new UnavailableException("image_missing", "base image '" + image
                    + "' is not built on this server; build it with: bin/magsd image build " + image);
        }
    }

    public JobInfo status(Principal who, String jobId) {
        return JobViews.info(find(who, jobId));
    }

    /** Status of a job whose ownership the caller has already checked. */
    public JobInfo statusUnscoped(String jobId) {
        return jobs.findAnyUser(jobId).map(JobViews::info)
                .orElseThrow(() -> new NotFoundException("job_not_found", "no job with id '" + jobId + "'"));
    }

    public JobPage list(Principal who, int page, int pageSize) {
        if (page < 1) {
            throw new BadRequestException("invalid_field", "'page' must be 1 or more (got " + page + ")");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new BadRequestException("invalid_field", "'page_size' must be between 1 and " + MAX_PAGE_SIZE
                    + " (got " + pageSize + ")");
        }
        List<JobInfo> infos = jobs.page(who.userId(), page, pageSize).stream().map(JobViews::info).toList();
        return new JobPage(infos, page, pageSize, jobs.count(who.userId()));
    }

    /** Every line with seq > afterSeq, including lines of a running job not yet persisted. */
    public JobLogs logs(Principal who, String jobId, long afterSeq) {
        JobRecord job = find(who, jobId);
        Optional<JobOutput> live = outputs.find(jobId);
        List<LogEntry> entries;
        if (live.isPresent()) {
            JobOutput.Snapshot snap = live.get().snapshot(afterSeq);
            entries = new ArrayList<>(logs.read(jobId, afterSeq, snap.persistedUpTo()));
            entries.addAll(snap.unpersisted());
        } else {
            entries = logs.readAll(jobId, afterSeq);
        }
        return new JobLogs(jobId, job.status(), entries);
    }

    public JobInfo stop(Principal who, String jobId) {
        JobRecord job = find(who, jobId);
        if (!job.status().isFinal()) {
            runner.stop(jobId);
        }
        return status(who, jobId);
    }

    /** The job if the caller owns it; otherwise 404 whether or not it exists. */
    public JobRecord find(Principal who, String jobId) {
        return jobs.find(who.userId(), jobId)
                .orElseThrow(() -> new NotFoundException("job_not_found", "no job with id '" + jobId + "'"));
    }

    /**
     * After a restart: jobs that were running lost their sandbox (the agent reaped it), so they end
     * in error saying so; jobs still pending never started and are run now.
     */
    public void recoverAfterRestart() {
        for (JobRecord job : jobs.withStatus(JobStatus.RUNNING)) {
            jobs.finish(job.id(), JobStatus.ERROR, null,
                    "magsd stopped while the job was running; its sandbox was removed when magsd restarted at "
                            + clock.instant(), clock.instant());
            LOG.info("job {} was running when magsd stopped; marked as error", job.id());
        }
        for (JobRecord job : jobs.withStatus(JobStatus.PENDING)) {
            LOG.info("resuming pending job {}", job.id());
            runner.enqueue(job);
        }
    }
}
