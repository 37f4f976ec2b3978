package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.JobRequest;
import dev.mags.api.JobStatus;
import dev.mags.api.JobUpdate;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.job.JobService;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;

/** Handlers of {@code /api/v1/mags-jobs}. */
final class JobRoutes {
    static final int DEFAULT_PAGE_SIZE = 20;
    private final JobService jobs;
    private final ObjectMapper json;

    JobRoutes(JobService jobs, ObjectMapper json) {
        this.jobs = jobs;
        this.json = json;
    }

    void submit(HttpServerExchange ex, Principal who) {
        JobRequest request = Exchanges.readJson(ex, json, JobRequest.class);
        Exchanges.sendJson(ex, json, StatusCodes.ACCEPTED, jobs.submit(who, request));
    }

    void update(HttpServerExchange ex, Principal who) {
        JobUpdate update = Exchanges.readJson(ex, json, JobUpdate.class);
        Exchanges.sendJson(ex, json, StatusCodes.OK, jobs.update(who, Exchanges.pathParam(ex, "id"), update));
    }

    void list(HttpServerExchange ex, Principal who) {
        int page = Exchanges.intParam(ex, "page", 1);
        int pageSize = Exchanges.intParam(ex, "page_size", DEFAULT_PAGE_SIZE);
        Exchanges.sendJson(ex, json, StatusCodes.OK, jobs.list(who, page, pageSize, statusParam(ex)));
    }

    /** The {@code status} filter: a job status's wire name, or null when absent. */
    private static JobStatus statusParam(HttpServerExchange ex) {
        var values = ex.getQueryParameters().get("status");
        if (values == null || values.isEmpty() || values.getFirst().isEmpty()) {
            return null;
        }
        try {
            return JobStatus.fromWire(values.getFirst());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("invalid_field", "'status' must be one of pending, running, sleeping, "
                    + "completed, error (got '" + values.getFirst() + "')");
        }
    }

    void status(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, jobs.status(who, Exchanges.pathParam(ex, "id")));
    }

    void logs(HttpServerExchange ex, Principal who) {
        long after = Exchanges.longParam(ex, "after", 0);
        Exchanges.sendJson(ex, json, StatusCodes.OK, jobs.logs(who, Exchanges.pathParam(ex, "id"), after));
    }

    void sync(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, jobs.sync(who, Exchanges.pathParam(ex, "id")));
    }

    void stop(HttpServerExchange ex, Principal who) {
        Exchanges.sendJson(ex, json, StatusCodes.OK, jobs.stop(who, Exchanges.pathParam(ex, "id")));
    }
}
