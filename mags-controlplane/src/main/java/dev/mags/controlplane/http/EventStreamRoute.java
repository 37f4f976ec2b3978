package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.controlplane.auth.Principal;
import dev.mags.controlplane.job.JobService;
import dev.mags.controlplane.job.OutputRegistry;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /api/v1/mags-jobs/{id}/events}: a job's output as server-sent events. Ownership is
 * checked before the stream opens, so a foreign job is a plain JSON 404. Followers read the store on
 * a small pool of their own threads, one page at a time (see {@link SseFollower}).
 */
final class EventStreamRoute implements AutoCloseable {
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    /** Threads that read pages for followers: also bounds the pages being built at once. */
    private static final int READERS = 2;
    private final JobService jobs;
    private final OutputRegistry outputs;
    private final ObjectMapper json;
    private final ServerSentEventHandler sse = new ServerSentEventHandler(this::connected);
    private final ExecutorService readers = Executors.newFixedThreadPool(READERS,
            Thread.ofPlatform().name("mags-follow-", 0).daemon().factory());

    EventStreamRoute(JobService jobs, OutputRegistry outputs, ObjectMapper json) {
        this.jobs = jobs;
        this.outputs = outputs;
        this.json = json;
    }

    void handle(HttpServerExchange ex, Principal who) throws Exception {
        // A name is resolved once, here: the stream follows that job even if a newer one takes the name.
        String id = jobs.find(who, Exchanges.pathParam(ex, "id")).id();
        ex.getQueryParameters().remove("id");
        ex.addQueryParam("id", id);
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
        SseFollower follower = new SseFollower(connection, id, after, outputs, jobs::statusUnscoped, json, readers);
        connection.addCloseTask(c -> follower.stop());
        follower.start();
    }

    /** For tests and diagnostics. */
    int openStreams() {
        return sse.getConnections().size();
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }
}
