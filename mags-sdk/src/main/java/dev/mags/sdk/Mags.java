package dev.mags.sdk;

import dev.mags.api.AccessInfo;
import dev.mags.api.AccessRequest;
import dev.mags.api.ExecEnd;
import dev.mags.api.ExecRequest;
import dev.mags.api.ExecResult;
import dev.mags.api.ApiPaths;
import dev.mags.api.JobAccepted;
import dev.mags.api.JobInfo;
import dev.mags.api.JobLogs;
import dev.mags.api.JobPage;
import dev.mags.api.JobUpdate;
import dev.mags.api.JobRequest;
import dev.mags.api.LogEntry;
import dev.mags.api.CronJobInfo;
import dev.mags.api.CronJobList;
import dev.mags.api.CronJobRequest;
import dev.mags.api.SshKeyInfo;
import dev.mags.api.SshKeyList;
import dev.mags.api.SshKeyRequest;
import dev.mags.api.UrlAlias;
import dev.mags.api.UrlAliasList;
import dev.mags.api.UrlAliasRequest;
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
    private static final String USER_AGENT = "mags-java-sdk";

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
        return new Mags(new HttpTransport(baseUrl, token, requestTimeout, connectTimeout,
                new DatabindJson(MagsJson.newMapper()), USER_AGENT), reconnect);
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
        return http.postOnce(ApiPaths.JOBS, withType(request), JobAccepted.class);
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

    /**
     * Changes a persistent job's sandbox settings ({@code PATCH /mags-jobs/{id}}): {@code noSleep} keeps it awake,
     * {@code startupCommand} is started whenever it starts again; null leaves a setting as it is, an empty
     * command removes it. {@code jobOrName} is a request id, a job name or a workspace name.
     *
     * @throws MagsApiException 400 for a job that is not persistent, 404 when there is no such job of yours
     */
    public JobInfo updateJob(String jobOrName, Boolean noSleep, String startupCommand) {
        return http.patch(ApiPaths.JOBS + "/" + Ids.segment(jobOrName), new JobUpdate(noSleep, startupCommand), JobInfo.class);
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
     * Where to reach a sandbox's port. 22 answers the SSH gateway's host, port and the login name that selects the
     * sandbox ({@code ssh -p sshPort sshUser@sshHost}); any other port (1–65535) answers the public URL that serves
     * it ({@link AccessInfo#url()}, the same URL each time for the same job and port). {@code nameOrId} is a request
     * id, a job name or a workspace name.
     *
     * @throws MagsApiException 400 {@code invalid_field} for a port outside 1–65535, 404 for a name that is not the
     *     caller's, 409 {@code sandbox_not_running} when the job has ended, 503 when the server runs no SSH gateway
     *     (port 22) or no apps proxy ({@code urls_unavailable})
     */
    public AccessInfo enableAccess(String nameOrId, int port) {
        return http.post(ApiPaths.job(Ids.segment(nameOrId), "access"), new AccessRequest(port), AccessInfo.class);
    }

    /**
     * Makes a sandbox's {@code port} public and returns its full URL ({@code http://SUB.APPS-DOMAIN:PORT}, or as the
     * server's URL template builds it); see {@link #enableAccess(String, int)} for the errors.
     *
     * @throws IllegalArgumentException for port 22, which is the SSH gateway's ({@code enableAccess(nameOrId, 22)})
     */
    public String url(String nameOrId, int port) {
        if (port == 22) {
            throw new IllegalArgumentException("port 22 is reached through the SSH gateway, not a URL: use"
                    + " enableAccess(nameOrId, 22)");
        }
        AccessInfo access = enableAccess(nameOrId, port);
        if (access.url() == null || access.url().isBlank()) {
            throw new MagsApiException(200, MagsApiException.BAD_RESPONSE, "POST "
                    + http.uri(ApiPaths.job(Ids.segment(nameOrId), "access")) + " answered no url for port " + port);
        }
        return access.url();
    }

    /** A stable URL for the caller's workspace on the server's apps domain; see {@link #urlAliasCreate(String, String, String)}. */
    public UrlAlias urlAliasCreate(String subdomain, String workspaceId) {
        return urlAliasCreate(subdomain, workspaceId, null);
    }

    /**
     * Names {@code subdomain} a stable URL of the caller's workspace (or job name) {@code workspaceId}: it serves the
     * newest job of that workspace, across sleeps, restarts and new jobs. {@code domain} may be null; a server serves
     * only its own apps domain.
     *
     * @throws MagsApiException 400 {@code invalid_subdomain} (not a DNS label of a-z, 0-9 and -),
     *     {@code reserved_subdomain} or {@code invalid_field} (another domain), 404 when the caller has no job or
     *     workspace of that name, 409 {@code subdomain_taken} (by anyone)
     */
    public UrlAlias urlAliasCreate(String subdomain, String workspaceId, String domain) {
        Objects.requireNonNull(subdomain, "subdomain");
        Objects.requireNonNull(workspaceId, "workspaceId");
        return http.post(ApiPaths.URL_ALIASES, new UrlAliasRequest(subdomain, workspaceId, domain), UrlAlias.class);
    }

    /** The caller's URL aliases, oldest first. */
    public UrlAliasList urlAliasList() {
        return http.get(ApiPaths.URL_ALIASES, UrlAliasList.class);
    }

    /**
     * Deletes one of the caller's URL aliases; its subdomain is free for anyone afterwards.
     *
     * @throws MagsApiException 404 for an alias that is not the caller's (or none)
     */
    public void urlAliasDelete(String subdomain) {
        http.delete(ApiPaths.URL_ALIASES + "/" + Ids.segment(subdomain), java.util.Map.class);
    }

    /**
     * Runs {@code command} ({@code sh -c}) in the caller's live sandbox that {@code nameOrId} names (a request id, a
     * job name or a workspace name) and waits for it to end; the answer has its exit code, stdout, stderr and
     * both interleaved ({@code output}), as the reference SDKs' {@code exec}.
     *
     * @throws MagsApiException 404 for a name that is not the caller's, 409 when its sandbox ended, 429 when the
     *     caller runs the server's maximum of commands at once, 503 when the server does not offer exec
     * @throws MagsOutcomeUnknownException when the answer was lost: the command may have run
     */
    public ExecResult exec(String nameOrId, String command) {
        return exec(nameOrId, ExecRequest.command(command));
    }

    /**
     * Runs {@code request} in a live sandbox and waits for it to end (with no limit of the client's own unless the
     * request has a {@code timeout}). The server keeps a bounded amount of output for this answer ({@link
     * ExecResult#truncated()}); {@link #execStreaming} has all of it.
     */
    public ExecResult exec(String nameOrId, ExecRequest request) {
        Objects.requireNonNull(request, "request");
        Duration wait = request.timeout() == null ? null : Duration.ofSeconds(request.timeout()).plusMinutes(1);
        return http.postWaiting(ApiPaths.job(Ids.segment(nameOrId), "exec"), request, ExecResult.class, wait);
    }

    /**
     * Runs {@code request} in a live sandbox and hands its output to {@code onOutput} as it is produced (text,
     * per stream, in order); returns how it ended. A slow {@code onOutput} slows the command rather than filling
     * memory anywhere.
     */
    public ExecEnd execStreaming(String nameOrId, ExecRequest request, ExecOutput onOutput) {
        Objects.requireNonNull(onOutput, "onOutput");
        StreamResponse answer = http.postStream(ApiPaths.job(Ids.segment(nameOrId), "exec"), request,
                "application/x-ndjson");
        return ExecLines.read(answer, onOutput, http, "POST " + http.uri(ApiPaths.job(Ids.segment(nameOrId), "exec")));
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

    /**
     * Defines a cron job: {@code request.script()} runs at the times of its 5-field expression as an ordinary
     * job named after it.
     *
     * @throws MagsApiException 400 naming a bad field (the expression's field among them), 409 when the caller
     *     has a cron job of that name
     */
    public CronJobInfo cronCreate(CronJobRequest request) {
        Objects.requireNonNull(request, "request");
        return http.post(ApiPaths.CRON, request, CronJobInfo.class);
    }

    /** The caller's cron jobs, oldest first. */
    /**
     * Uploads a file for jobs ({@code JobRequest.fileIds} places it at {@code /root/<name>}); answers its id.
     * {@code sent} hears the bytes sent so far (a progress bar, say).
     *
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    public String uploadFile(java.nio.file.Path file, java.util.function.LongConsumer sent) {
        long size;
        try {
            size = java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            dev.mags.api.FileUpload up = http.upload(ApiPaths.FILES, file.getFileName().toString(), in, size, sent,
                    dev.mags.api.FileUpload.class, java.time.Duration.ofHours(1));
            return up.fileId();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Uploads files for jobs; their ids in the same order. */
    public java.util.List<String> uploadFiles(java.util.List<java.nio.file.Path> files) {
        return files.stream().map(f -> uploadFile(f, n -> { })).toList();
    }

    /** What the caller used over the last {@code windowDays} UTC days (1 to 366), in total and per day. */
    public dev.mags.api.Usage usage(int windowDays) {
        return http.get(ApiPaths.USAGE + "?window_days=" + windowDays, dev.mags.api.Usage.class);
    }

    public CronJobList cronList() {
        return http.get(ApiPaths.CRON, CronJobList.class);
    }

    /** One of the caller's cron jobs, with its next run and the last run's status. */
    public CronJobInfo cronGet(String id) {
        return http.get(ApiPaths.CRON + "/" + Ids.segment(id), CronJobInfo.class);
    }

    /** Changes the fields of {@code updates} that are set (e.g. {@link CronJobRequest#enabled(boolean)}). */
    public CronJobInfo cronUpdate(String id, CronJobRequest updates) {
        Objects.requireNonNull(updates, "updates");
        return http.patch(ApiPaths.CRON + "/" + Ids.segment(id), updates, CronJobInfo.class);
    }

    /** Deletes a cron job; the jobs it ran stay. */
    public void cronDelete(String id) {
        http.delete(ApiPaths.CRON + "/" + Ids.segment(id), java.util.Map.class);
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
