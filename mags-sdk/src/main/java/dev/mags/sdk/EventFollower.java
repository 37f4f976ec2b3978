package dev.mags.sdk;

import dev.mags.api.ApiPaths;
import dev.mags.api.JobInfo;
import dev.mags.api.JobStatus;
import dev.mags.api.LogEntry;
import dev.mags.api.StreamEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Follows {@code GET /mags-jobs/{id}/events}: hands each new log line to the consumer and
 * returns the job once the server reports its final status. A connection that drops after it was
 * established is resumed with {@code after=<last seq>}, so no line is delivered twice. A server
 * without the event stream is polled instead ({@link LogPoller}).
 */
final class EventFollower {
    private final Transport http;
    private final ReconnectPolicy policy;
    private final LogPoller poller;

    EventFollower(Transport http, ReconnectPolicy policy) {
        this.http = http;
        this.policy = policy;
        this.poller = new LogPoller(http);
    }

    /** {@code deadline} may be {@code null}; past it a {@link MagsTimeoutException} is thrown. */
    JobInfo follow(String id, long afterSeq, Consumer<LogEntry> onLine, Instant deadline) {
        Progress progress = new Progress(afterSeq);
        boolean connectedOnce = false;
        int failures = 0;
        try (StreamWatchdog watchdog = new StreamWatchdog(policy.idleTimeout(), deadline)) {
            while (true) {
                String path = ApiPaths.job(Ids.segment(id), "events") + "?after=" + progress.lastSeq;
                URI uri = http.uri(path);
                Exception problem;
                try {
                    StreamResponse response = http.openStream(path,
                            Map.of("Last-Event-ID", Long.toString(progress.lastSeq), "Cache-Control", "no-cache"),
                            streamReadTimeout(deadline, id));
                    int status = response.statusCode();
                    if (status != 200) {
                        MagsApiException error = errorOf(uri, response);
                        if (!connectedOnce && lacksEventStream(id, status)) {
                            return poller.follow(id, progress.lastSeq, onLine, deadline);
                        }
                        if (!(connectedOnce && isTransient(status))) {
                            throw error;
                        }
                        problem = error;
                    } else {
                        connectedOnce = true;
                        JobInfo end = readStream(response.body(), watchdog, progress, onLine, uri);
                        if (end != null) {
                            return end;
                        }
                        problem = new IOException("the server closed the stream before the job finished");
                    }
                } catch (IOException e) {
                    problem = e;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new MagsConnectionException("interrupted while following " + uri, problem);
                }
                if (watchdog.deadlinePassed()) {
                    throw timedOut(id, deadline, problem);
                }
                if (!connectedOnce) {
                    throw problem instanceof IOException io ? http.failures().ioFailure("GET", uri, io, null)
                            : (MagsException) problem;
                }
                boolean wentIdle = watchdog.takeReason() == StreamWatchdog.Reason.IDLE || progress.silent;
                progress.silent = false;
                if (progress.receivedSinceConnect || wentIdle) {
                    failures = 0;
                }
                failures++;
                if (failures > policy.maxAttempts()) {
                    throw new MagsConnectionException("lost the live output of job " + id + " from "
                            + http.baseUrl() + " and could not resume it after " + policy.maxAttempts()
                            + " attempts: " + Failures.detail(problem), problem);
                }
                pause(policy.backoff(failures), deadline, id, uri);
            }
        }
    }

    /** Reads events until a final status (returned), or the end of the stream ({@code null}). */
    private JobInfo readStream(InputStream body, StreamWatchdog watchdog, Progress progress,
                               Consumer<LogEntry> onLine, URI uri) throws IOException {
        progress.receivedSinceConnect = false;
        JobInfo lastStatus = null;
        try (InputStream in = body) {
            watchdog.watch(in);
            SseReader reader = new SseReader(in, () -> {
                watchdog.touch();
                progress.receivedSinceConnect = true;
            });
            try {
                SseEvent event;
                while ((event = reader.next()) != null) {
                    switch (event.event()) {
                        case StreamEvent.LOG -> {
                            LogEntry entry = http.read(event.data(), LogEntry.class, "log event from " + uri);
                            if (entry.seq() > progress.lastSeq) {
                                progress.lastSeq = entry.seq();
                                onLine.accept(entry);
                            }
                        }
                        case StreamEvent.STATUS -> {
                            lastStatus = http.read(event.data(), JobInfo.class, "status event from " + uri);
                            if (ended(lastStatus)) {
                                return lastStatus;
                            }
                        }
                        default -> { /* unknown event types are for newer clients */ }
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                progress.silent = true;   // the read timeout is the idle limit while no deadline is watched
                throw e;
            }
        }
        // The server ended the stream after telling the status (e.g. a persistent job now sleeping);
        // a job still pending has not run yet, so that is treated like a dropped connection.
        return lastStatus != null && lastStatus.status() != JobStatus.PENDING ? lastStatus : null;
    }

    /**
     * The job's script is over: a final status, or a persistent job that stays running after its script with the
     * script's exit code.
     */
    static boolean ended(JobInfo job) {
        return job.status() != null && (job.status().isFinal()
                || job.status() == JobStatus.RUNNING && job.exitCode() != null);
    }

    private MagsApiException errorOf(URI uri, StreamResponse response) throws IOException {
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return http.failures().httpError("GET", uri, response.statusCode(), body);
    }

    /**
     * A 404/405/501 for a job that exists means the server has no event stream (an older or the
     * hosted reference server); a 404 for an unknown job stays an error.
     */
    private boolean lacksEventStream(String id, int status) {
        if (status != 404 && status != 405 && status != 501) {
            return false;
        }
        try {
            http.get(ApiPaths.job(Ids.segment(id), "status"), JobInfo.class);
            return true;
        } catch (MagsApiException unknownJob) {
            return false;
        }
    }

    private static boolean isTransient(int status) {
        return status == 502 || status == 503 || status == 504;
    }

    /**
     * A silent stream must end by itself: a blocked read cannot be interrupted from outside, so the
     * socket's read timeout is the idle limit (the server sends a keep-alive every 15 s).
     */
    private Duration streamReadTimeout(Instant deadline, String id) {
        Duration timeout = requestTimeout(deadline, id);
        return policy.idleTimeout().compareTo(timeout) < 0 ? policy.idleTimeout() : timeout;
    }

    private Duration requestTimeout(Instant deadline, String id) {
        Duration timeout = http.requestTimeout();
        if (deadline == null) {
            return timeout;
        }
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw timedOut(id, deadline, null);
        }
        return left.compareTo(timeout) < 0 ? left : timeout;
    }

    private void pause(Duration backoff, Instant deadline, String id, URI uri) {
        Duration wait = backoff;
        if (deadline != null) {
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.compareTo(wait) < 0) {
                wait = left.isNegative() ? Duration.ZERO : left;
            }
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw http.failures().interrupted("GET", uri, e);
        }
    }

    private static MagsTimeoutException timedOut(String id, Instant deadline, Exception cause) {
        return new MagsTimeoutException("job " + id + " did not finish by " + deadline, cause);
    }

    /** What has been delivered so far; only touched by the following thread. */
    private static final class Progress {
        long lastSeq;
        boolean receivedSinceConnect;
        /** The stream's read timed out: nothing, not even a keep-alive, came for the idle timeout. */
        boolean silent;

        Progress(long afterSeq) {
            this.lastSeq = afterSeq;
        }
    }
}
