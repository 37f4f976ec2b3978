package dev.mags.sdk;

import dev.mags.api.AccessInfo;
import dev.mags.api.AccessRequest;
import dev.mags.api.ApiPaths;
import dev.mags.api.JobAccepted;
import dev.mags.api.JobInfo;
import dev.mags.api.JobLogs;
import dev.mags.api.JobPage;
import dev.mags.api.JobRequest;
import dev.mags.api.LogEntry;
import dev.mags.api.SshKeyInfo;
import dev.mags.api.SshKeyList;
import dev.mags.api.SshKeyRequest;
import dev.mags.api.WhoAmI;
import dev.mags.api.WorkspaceList;
import dev.mags.api.ResizeRequest;
import dev.mags.api.WorkspaceInfo;
import dev.mags.api.WorkspaceSync;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Client of the mags REST API. Thread-safe; one instance can serve a whole program. Method
 * names follow the reference SDK. Every method throws a {@link MagsException}: a
 * {@link MagsApiException} when the server refused, a {@link MagsConnectionException} when it
 * could not be reached, a {@link MagsTimeoutException} when it did not answer in time, a
 * {@link MagsOutcomeUnknownException} when a request that changes something (POST, DELETE) may have
 * reached it but no answer came back.
 *
 * <pre>{@code
 * try (Mags mags = Mags.builder().baseUrl(URI.create("http://127.0.0.1:8080")).token(token).build()) {
 *     JobResult result = mags.runAndWait(JobRequest.inline("echo hello"), Duration.ofMinutes(1));
 *     System.out.println(result.stdout());
 * }
 * }</pre>
 */
public final class Mags implements AutoCloseable {
    /** Server-side work that may take long (a sync of a large workspace) gets this much time. */
    private static final Duration LONG_OPERATION = Duration.ofHours(1);

    private final HttpTransport http;
    private final EventFollower follower;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Mags(HttpTransport http, ReconnectPolicy reconnect) {
        this.http = http;
        this.follower = new EventFollower(http, reconnect);
    }

    public static MagsBuilder builder() {
        return new MagsBuilder();
    }

    static Mags create(URI baseUrl, String token, Duration requestTimeout, Duration connectTimeout,
                       ReconnectPolicy reconnect) {
        return new Mags(new HttpTransport(baseUrl, token, requestTimeout, connectTimeout, MagsJson.newMapper()),
                reconnect);
    }

    /** The server's base URL, without a trailing slash. */
    public URI baseUrl() {
        return URI.create(http.baseUrl());
    }

    /** Submits an inline script with default options. */
    public JobAccepted run(String script) {
        return run(JobRequest.inline(script));
    }

    /** Submits a job; only the fields set in {@code request} are sent. */
    public JobAccepted run(JobRequest request) {
        Objects.requireNonNull(request, "request");
        return http.post(ApiPaths.JOBS, withType(request), JobAccepted.class);
    }

    /** Submits an inline script and waits for it; see {@link #runAndWait(JobRequest, Duration)}. */
    public JobResult runAndWait(String script, Duration timeout) {
        return runAndWait(JobRequest.inline(script), timeout);
    }

    /**
     * Submits a job and waits, following its live output, until it reaches a final status.
     *
     * @throws MagsTimeoutException when the job has not finished within {@code timeout}
     *     (counted from the call); the job keeps running
     */
    public JobResult runAndWait(JobRequest request, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Instant deadline = Instant.now().plus(timeout);
        String id = run(request).requestId();
        List<LogEntry> lines = new ArrayList<>();
        try {
            JobInfo end = follower.follow(id, 0, lines::add, deadline);
            return new JobResult(end, lines);
        } catch (MagsTimeoutException e) {
            throw new MagsTimeoutException("job " + id + " did not finish within " + Failures.human(timeout)
                    + "; it keeps running (stop it with stop(\"" + id + "\"))", e);
        }
    }

    public JobInfo status(String requestId) {
        return http.get(ApiPaths.job(Ids.segment(requestId), "status"), JobInfo.class);
    }

    /** A job's first stored log lines: one page (see {@link #logs(String, long)}). */
    public JobLogs logs(String requestId) {
        return logs(requestId, 0);
    }

    /**
     * The stored log lines with {@code seq > afterSeq}, one page of them: a server caps each answer
     * (magsd at 10,000 lines or about 1 MiB), so ask again after the last seq until none come.
     */
    public JobLogs logs(String requestId, long afterSeq) {
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq must be >= 0, got " + afterSeq);
        }
        String query = afterSeq > 0 ? "?after=" + afterSeq : "";
        return http.get(ApiPaths.job(Ids.segment(requestId), "logs") + query, JobLogs.class);
    }

    /** The first page of 20 jobs, newest first. */
    public JobPage list() {
        return list(1, 20);
    }

    /** One page of jobs, newest first; pages count from 1. */
    public JobPage list(int page, int pageSize) {
        if (page < 1 || pageSize < 1) {
            throw new IllegalArgumentException("page and pageSize must be >= 1, got " + page + " and " + pageSize);
        }
        return http.get(ApiPaths.JOBS + "?page=" + page + "&page_size=" + pageSize, JobPage.class);
    }

    /** Asks the server to stop a job; a job that has already finished is returned unchanged. */
    public JobInfo stop(String requestId) {
        return http.postWaiting(ApiPaths.job(Ids.segment(requestId), "stop"), null, JobInfo.class, LONG_OPERATION);
    }

    /**
     * Syncs a persistent workspace to storage now and returns the committed snapshot; {@code jobOrWorkspace}
     * is a job's request id or a workspace's name. Waits as long as the sync takes (up to an hour).
     *
     * @throws MagsApiException 409 for a local workspace, 503 when storage is unreachable (nothing was synced)
     * @throws MagsOutcomeUnknownException when the answer was lost (the connection broke or the server stopped):
     *     the sync may have committed; {@link #listWorkspaces()} shows the last sync, and syncing an unchanged
     *     workspace again is quick and returns the same snapshot
     */
    public WorkspaceSync sync(String jobOrWorkspace) {
        return http.postWaiting(ApiPaths.job(Ids.segment(jobOrWorkspace), "sync"), null, WorkspaceSync.class, LONG_OPERATION);
    }

    /** One of the caller's workspaces, with the progress of a sync that runs now. */
    public WorkspaceInfo workspace(String name) {
        return http.get(ApiPaths.WORKSPACES + "/" + Ids.segment(name), WorkspaceInfo.class);
    }

    /** Grows a workspace's disk to {@code diskGb}; its live sandbox ends first (after a final sync). */
    public WorkspaceInfo resizeWorkspace(String name, int diskGb) {
        return http.postWaiting(ApiPaths.WORKSPACES + "/" + Ids.segment(name) + "/resize",
                new ResizeRequest(diskGb), WorkspaceInfo.class, LONG_OPERATION);
    }

    /** The caller's workspaces, by name. */
    public WorkspaceList listWorkspaces() {
        return http.get(ApiPaths.WORKSPACES, WorkspaceList.class);
    }

    /**
     * Deletes one of the caller's workspaces and its data.
     *
     * @throws MagsApiException 404 when there is no workspace of that name, 409 while a job runs in it
     */
    public void deleteWorkspace(String name) {
        http.delete(ApiPaths.WORKSPACES + "/" + Ids.segment(name), java.util.Map.class);
    }

    /**
     * Where to reach a sandbox's port; 22 answers the SSH gateway's host, port and the login name that selects
     * the sandbox ({@code ssh -p sshPort sshUser@sshHost}). {@code nameOrId} is a request id, a job name or a
     * workspace name.
     *
     * @throws MagsApiException 404 for a name that is not the caller's, 400 for a port other than 22, 503 when
     *     the server runs no SSH gateway
     */
    public AccessInfo enableAccess(String nameOrId, int port) {
        return http.post(ApiPaths.job(Ids.segment(nameOrId), "access"), new AccessRequest(port), AccessInfo.class);
    }

    /** The caller's SSH public keys, oldest first. */
    public SshKeyList listSshKeys() {
        return http.get(ApiPaths.SSH_KEYS, SshKeyList.class);
    }

    /**
     * Registers an SSH public key (one line of a {@code .pub} file) for the SSH gateway; {@code name} may be null
     * (the key's comment names it).
     *
     * @throws MagsApiException 400 for a line that is not a usable public key, 409 when the key is registered
     *     already (by the caller or another user)
     */
    public SshKeyInfo addSshKey(String name, String publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        return http.post(ApiPaths.SSH_KEYS, new SshKeyRequest(name, publicKey), SshKeyInfo.class);
    }

    /** Removes one of the caller's SSH keys; the gateway refuses it from the next login on. */
    public void deleteSshKey(String id) {
        http.delete(ApiPaths.SSH_KEYS + "/" + Ids.segment(id), java.util.Map.class);
    }

    /** Who the token belongs to. */
    public WhoAmI whoami() {
        return http.get(ApiPaths.ME, WhoAmI.class);
    }

    /**
     * Follows a job's live output: calls {@code onLine} for every line with {@code seq > afterSeq},
     * as the server produces them, and returns the job once it reaches a final status. A dropped
     * connection is resumed where it stopped (bounded retries with backoff, see
     * {@link MagsBuilder#reconnectAttempts(int)}); no line is delivered twice. Exceptions thrown by
     * {@code onLine} end the call and propagate. If the server ends the stream after reporting a
     * non-final status (a persistent job that went to sleep), that job is returned.
     */
    public JobInfo follow(String requestId, long afterSeq, Consumer<LogEntry> onLine) {
        Objects.requireNonNull(onLine, "onLine");
        return follower.follow(requestId, afterSeq, onLine, null);
    }

    /** Aborts calls in flight and releases the connection pool; harmless to call twice. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            http.close();
        }
    }

    private static JobRequest withType(JobRequest r) {
        if (r.type() != null) {
            return r;
        }
        return r.toBuilder().type(JobRequest.TYPE_INLINE).build();
    }
}
