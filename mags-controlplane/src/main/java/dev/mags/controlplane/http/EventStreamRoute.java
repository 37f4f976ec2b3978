package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.LogEntry;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.job.JobOutput;
import dev.mags.controlplane.job.JobService;
import dev.mags.controlplane.job.OutputRegistry;
import dev.mags.controlplane.state.LogStore;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/v1/mags-jobs/{id}/events}: a job's output as server-sent events. Ownership is
 * checked before the stream opens, so a foreign job is a plain JSON 404.
 */
final class EventStreamRoute {
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    private final JobService jobs;
    private final OutputRegistry outputs;
    private final LogStore logs;
    private final ObjectMapper json;
    private final ServerSentEventHandler sse = new ServerSentEventHandler(this::connected);

    EventStreamRoute(JobService jobs, OutputRegistry outputs, LogStore logs, ObjectMapper json) {
        this.jobs = jobs;
        this.outputs = outputs;
        this.logs = logs;
        this.json = json;
    }

    void handle(HttpServerExchange ex, Principal who) throws Exception {
        String id = Exchanges.pathParam(ex, "id");
        jobs.find(who, id);
        long after = Exchanges.longParam(ex, "after", 0);
        String lastEventId = ex.getRequestHeaders().getFirst("Last-Event-ID");
        if (lastEventId != null && lastEventId.matches("\\d{1,18}")) {
            after = Math.max(after, Long.parseLong(lastEventId));
        }
        ex.getQueryParameters().remove("after");
        ex.addQueryParam("after", Long.toString(after));
        sse.handleRequest(ex);
    }

    private void connected(ServerSentEventConnection connection, String lastEventId) {
        String id = connection.getQueryParameters().get("id").getFirst();
        long after = Long.parseLong(connection.getQueryParameters().get("after").getFirst());
        connection.setKeepAliveTime(KEEP_ALIVE_MILLIS);
        SseFollower follower = new SseFollower(connection, json, after);
        Optional<JobOutput> live = outputs.find(id);
        JobOutput.Snapshot snap = live.map(o -> o.subscribe(after, follower)).orElse(null);
        if (snap == null) {
            // The job has ended: everything is in the store.
            follower.replay(logs.readAll(id, after));
            follower.goLive();
            follower.sendFinal(jobs.statusUnscoped(id));
            return;
        }
        JobOutput output = live.get();
        connection.addCloseTask(c -> output.unsubscribe(follower));
        List<LogEntry> replay = new ArrayList<>(logs.read(id, after, snap.persistedUpTo()));
        replay.addAll(snap.unpersisted());
        follower.replay(replay);
        follower.goLive();
    }

    /** For tests and diagnostics. */
    int openStreams() {
        return sse.getConnections().size();
    }
}
