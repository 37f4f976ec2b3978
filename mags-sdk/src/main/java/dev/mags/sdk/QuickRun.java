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
 * jackson-jr ({@link LeanJson}) instead. The transport, the follower (reconnection, idle watchdog, the
 * polling fallback) and the failures and their messages are those of {@link Mags}. Build one with
 * {@link MagsBuilder#buildQuickRun()}. Thread-safe, like {@link Mags}.
 */
public final class QuickRun implements AutoCloseable {
    static final String USER_AGENT = "mags-java-sdk-quick";
    /** As long as {@link Mags#stop(String)} waits: stopping a persistent job syncs its workspace. */
    private static final java.time.Duration STOP_TIMEOUT = java.time.Duration.ofHours(1);

    private final HttpTransport http;
    private final EventFollower follower;

    QuickRun(HttpTransport http, ReconnectPolicy reconnect) {
        this.http = http;
        this.follower = new EventFollower(http, reconnect);
    }

    /**
     * Submits an inline script with default options, as {@link Mags#run(String)} does, but sends it once
     * only: when the answer is lost it throws {@link MagsOutcomeUnknownException} rather than letting the
     * connection send it again. A refused token comes back as a bare HTTP 401 (its body cannot be read then).
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
