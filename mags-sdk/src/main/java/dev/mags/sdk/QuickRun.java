package dev.mags.sdk;

import dev.mags.api.ApiPaths;
import dev.mags.api.JobAccepted;
import dev.mags.api.JobInfo;
import dev.mags.api.JobRequest;
import dev.mags.api.LogEntry;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The part of {@link Mags} that runs an inline script: submit it, follow its live output, stop it. For a
 * short-lived program (the {@code mags} CLI's plain {@code run}) whose start-up counts: loading and
 * warming Jackson's data binding takes longer than a short job, so these few documents go through
 * jackson-core's streaming API ({@link LeanJson}, {@link JsonTree}) instead, and against an
 * {@code http://} server the requests go over a plain socket ({@link SocketTransport}) rather than
 * {@code HttpURLConnection}. The follower (reconnection, idle watchdog, the polling fallback) and the
 * failures and their messages are those of {@link Mags}. Build one with {@link MagsBuilder#buildQuickRun()}.
 * Thread-safe, like {@link Mags}.
 */
public final class QuickRun implements AutoCloseable {
    static final String USER_AGENT = "mags-java-sdk-quick";
    /** As long as {@link Mags#stop(String)} waits: stopping a persistent job syncs its workspace. */
    private static final java.time.Duration STOP_TIMEOUT = java.time.Duration.ofHours(1);

    private final Transport http;
    private final EventFollower follower;

    QuickRun(Transport http, ReconnectPolicy reconnect) {
        this.http = http;
        this.follower = new EventFollower(http, reconnect);
        // The first answer is read right after the submission; its parser's set-up runs meanwhile.
        Thread.ofPlatform().daemon().name("mags-json-warm-up").start(JsonTree::warmUpReading);
    }

    /**
     * Submits an inline script with default options, as {@link Mags#run(String)} does, but sends it once
     * only: when the answer is lost it throws {@link MagsOutcomeUnknownException} rather than letting the
     * connection send it again. Against an {@code https://} server a refused token comes back as a bare
     * HTTP 401 ({@code HttpURLConnection} cannot read its body when it streams the request).
     */
    public JobAccepted run(String script) {
        return http.postOnce(ApiPaths.JOBS, JobRequest.inline(Objects.requireNonNull(script, "script")), JobAccepted.class);
    }

    /** As {@link Mags#follow(String, long, Consumer)}. */
    public JobInfo follow(String requestId, long afterSeq, Consumer<LogEntry> onLine) {
        Objects.requireNonNull(onLine, "onLine");
        return follower.follow(requestId, afterSeq, onLine, null);
    }

    /** As {@link Mags#stop(String)}. */
    public JobInfo stop(String requestId) {
        return http.postWaiting(ApiPaths.job(Ids.segment(requestId), "stop"), null, JobInfo.class, STOP_TIMEOUT);
    }

    /** Aborts calls in flight; harmless to call twice. */
    @Override
    public void close() {
        http.close();
    }
}
