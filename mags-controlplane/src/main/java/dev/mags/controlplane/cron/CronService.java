package dev.mags.controlplane.cron;

import dev.mags.api.CronJobInfo;
import dev.mags.api.CronJobList;
import dev.mags.api.CronJobRequest;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.job.JobService;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * What {@code /api/v1/mags-cron} does: define, list, change and delete a user's cron jobs. Another user's
 * cron job is 404, as one that does not exist. Every change that moves a next run wakes the scheduler.
 */
public final class CronService {
    private final CronStore store;
    private final JobService jobs;
    private final Clock clock;
    private final Runnable scheduleChanged;

    public CronService(CronStore store, JobService jobs, Clock clock, Runnable scheduleChanged) {
        this.store = store;
        this.jobs = jobs;
        this.clock = clock;
        this.scheduleChanged = scheduleChanged;
    }

    public CronJobInfo create(Principal who, CronJobRequest r) {
        String name = CronRequests.name(r.name());
        CronSchedule schedule = CronSchedule.parse(r.cronExpression(), r.timezone());
        String script = CronRequests.script(r.script());
        boolean persistent = Boolean.TRUE.equals(r.persistent());
        String workspace = CronRequests.workspace(r.workspaceId(), persistent);
        boolean enabled = r.enabled() == null || r.enabled();
        Instant now = clock.instant();
        CronRecord row = new CronRecord(UUID.randomUUID().toString(), who.userId(), name, schedule.expression(),
                schedule.zone().getId(), script, workspace, CronRequests.environment(r.environment()), persistent,
                enabled, now.truncatedTo(ChronoUnit.MILLIS), enabled ? next(schedule, now) : null, null, null, null,
                null, 0);
        if (!store.insert(row)) {
            throw nameTaken(name);
        }
        scheduleChanged.run();
        return view(row);
    }

    public CronJobList list(Principal who) {
        return new CronJobList(store.list(who.userId()).stream().map(this::view).toList());
    }

    public CronJobInfo get(Principal who, String id) {
        return view(find(who, id));
    }

    /** Changes the fields given; a new schedule, zone or enabling counts from now (missed times are not made up). */
    public CronJobInfo update(Principal who, String id, CronJobRequest r) {
        CronRecord old = find(who, id);
        String name = r.name() == null ? old.name() : CronRequests.name(r.name());
        CronSchedule schedule = CronSchedule.parse(r.cronExpression() == null ? old.cronExpression() : r.cronExpression(),
                r.timezone() == null ? old.timezone() : r.timezone());
        String script = r.script() == null ? old.script() : CronRequests.script(r.script());
        boolean persistent = r.persistent() == null ? old.persistent() : r.persistent();
        String workspace = CronRequests.workspace(r.workspaceId() == null ? old.workspaceId() : r.workspaceId(),
                persistent);
        var env = r.environment() == null ? old.environment() : CronRequests.environment(r.environment());
        boolean enabled = r.enabled() == null ? old.enabled() : r.enabled();
        boolean rescheduled = !schedule.expression().equals(old.cronExpression())
                || !schedule.zone().getId().equals(old.timezone()) || enabled != old.enabled();
        Instant next = !enabled ? null : rescheduled ? next(schedule, clock.instant()) : old.nextRunAt();
        CronRecord row = old.redefined(name, schedule.expression(), schedule.zone().getId(), script, workspace, env,
                persistent, enabled, next);
        if (!store.update(row)) {
            throw nameTaken(name);
        }
        scheduleChanged.run();
        return view(row);
    }

    /** Deletes the cron job; the jobs it ran stay (with their logs), and a run in progress goes on. */
    public void delete(Principal who, String id) {
        if (id == null || !store.delete(who.userId(), id)) {
            throw notFound(id);
        }
        scheduleChanged.run();
    }

    private CronRecord find(Principal who, String id) {
        return store.find(who.userId(), id).orElseThrow(() -> notFound(id));
    }

    static Instant next(CronSchedule schedule, Instant after) {
        return schedule.nextAfter(after).orElse(null);
    }

    private CronJobInfo view(CronRecord row) {
        return CronViews.info(row, jobs);
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("cron_job_not_found", "no cron job with id '" + id
                + "'; GET /api/v1/mags-cron (mags cron list) lists yours");
    }

    private static ConflictException nameTaken(String name) {
        return new ConflictException("cron_job_exists", "you have a cron job named '" + name
                + "' already; pick another name, or change that one (PATCH /api/v1/mags-cron/{id})");
    }
}
