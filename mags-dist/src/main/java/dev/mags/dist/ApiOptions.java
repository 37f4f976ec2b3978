package dev.mags.dist;

import dev.mags.controlplane.admission.AdmissionPolicy;
import dev.mags.controlplane.apps.AppsConfig;
import dev.mags.controlplane.apps.AppsTls;
import dev.mags.controlplane.files.FileLimits;
import dev.mags.controlplane.job.OutputPolicy;
import dev.mags.protocol.v2.SandboxLimits;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of the processes that serve the REST API ({@code serve}, {@code control-plane}): listeners,
 * public URLs, admission, output, uploads, retention, metrics. */
final class ApiOptions {
    @Option(names = "--listen", defaultValue = "${env:MAGS_LISTEN:-127.0.0.1:8080}",
            description = "HOST:PORT of the REST API (env MAGS_LISTEN, default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--ssh-listen", defaultValue = "${env:MAGS_SSH_LISTEN:-127.0.0.1:2222}",
            description = "HOST:PORT of the SSH gateway, which mags ssh and OpenSSH clients reach sandboxes through "
                    + "(env MAGS_SSH_LISTEN, default ${DEFAULT-VALUE}); its host key is <data-dir>/ssh_host_ed25519_key.")
    String sshListen;

    @Option(names = "--sleep-after", defaultValue = "${env:MAGS_SLEEP_AFTER:-600}",
            description = "A persistent job's sandbox that no exec or SSH session used for this many seconds sleeps: "
                    + "synced first when its workspace is stored, then its processes end and its disk stays; the next "
                    + "exec, SSH session or run in its workspace wakes it and starts its startup command again. Jobs "
                    + "set --no-sleep never sleep (env MAGS_SLEEP_AFTER, default ${DEFAULT-VALUE}).")
    long sleepAfterSeconds;

    @Option(names = "--apps-domain", defaultValue = "${env:MAGS_APPS_DOMAIN:-localhost}",
            description = "Domain of public sandbox URLs: a request for <sub>.<domain> is served by the sandbox that "
                    + "<sub> names (env MAGS_APPS_DOMAIN, default ${DEFAULT-VALUE}, whose subdomains browsers and curl "
                    + "resolve to the loopback address). Point a wildcard DNS record *.<domain> at this host to serve "
                    + "others.")
    String appsDomain;

    @Option(names = "--apps-listen", defaultValue = "${env:MAGS_APPS_LISTEN}",
            description = "HOST:PORT of a listener of the public URLs' own (env MAGS_APPS_LISTEN). Without it they "
                    + "share the API's listener, told apart by the Host header.")
    String appsListen;

    @Option(names = "--apps-url-template", defaultValue = "${env:MAGS_APPS_URL_TEMPLATE}",
            description = "How public URLs are printed, {sub} standing for the subdomain, e.g. "
                    + "https://{sub}.apps.example.com behind a TLS-terminating proxy (env MAGS_APPS_URL_TEMPLATE). "
                    + "Without it: http://<sub>.<apps-domain>:<port of the listener>.")
    String appsUrlTemplate;

    @Option(names = "--apps-tls-cert", defaultValue = "${env:MAGS_APPS_TLS_CERT}", paramLabel = "FILE",
            description = "Serve public URLs over TLS on --apps-listen with this PEM certificate chain (a wildcard "
                    + "certificate for *.<apps-domain>, leaf first; env MAGS_APPS_TLS_CERT). URLs are then "
                    + "https://<sub>.<apps-domain>[:port]. Needs --apps-tls-key.")
    Path appsTlsCert;

    @Option(names = "--apps-tls-key", defaultValue = "${env:MAGS_APPS_TLS_KEY}", paramLabel = "FILE",
            description = "The PEM private key (PKCS #8: BEGIN PRIVATE KEY) of --apps-tls-cert (env MAGS_APPS_TLS_KEY).")
    Path appsTlsKey;

    @Option(names = "--apps-start-wait", defaultValue = "${env:MAGS_APPS_START_WAIT:-30}",
            description = "Seconds a request to a public URL waits for the sandbox's port to accept connections (a "
                    + "sleeping sandbox is woken first) before it is answered 503 (env MAGS_APPS_START_WAIT, default "
                    + "${DEFAULT-VALUE}).")
    long appsStartWaitSeconds;

    @Option(names = "--apps-max-body-mb", defaultValue = "${env:MAGS_APPS_MAX_BODY_MB:-1024}",
            description = "Largest request body, in MiB, sent on to a sandbox through its public URL; larger ones are "
                    + "answered 413 (env MAGS_APPS_MAX_BODY_MB, default ${DEFAULT-VALUE}).")
    long appsMaxBodyMb;

    @Option(names = "--apps-max-connections", defaultValue = "${env:MAGS_APPS_MAX_CONNECTIONS:-256}",
            description = "Requests and WebSockets served at once per sandbox through public URLs; more are answered "
                    + "503 (env MAGS_APPS_MAX_CONNECTIONS, default ${DEFAULT-VALUE}).")
    int appsMaxConnections;

    @Option(names = "--max-concurrent-jobs", defaultValue = "${env:MAGS_MAX_CONCURRENT_JOBS:-64}",
            description = "Sandboxes run at once, kept ones (-p) included; later jobs wait as pending for running ones"
                    + " to end, but not behind kept ones: while those are among them, a job that would start one more"
                    + " is refused with 429 (env MAGS_MAX_CONCURRENT_JOBS, default ${DEFAULT-VALUE}).")
    int maxConcurrentJobs;

    @Option(names = "--max-sandboxes-per-user", defaultValue = "${env:MAGS_MAX_SANDBOXES_PER_USER:-16}",
            description = "Live sandboxes one user may hold: running jobs', those kept alive after their script (-p) "
                    + "and those of jobs waiting to start; past it a job is refused with 429 (env "
                    + "MAGS_MAX_SANDBOXES_PER_USER, default ${DEFAULT-VALUE}; 0 for no limit).")
    int maxSandboxesPerUser;

    @Option(names = "--max-memory-per-user-mb", defaultValue = "${env:MAGS_MAX_MEMORY_PER_USER_MB}",
            description = "The memory limits of one user's live sandboxes, summed, MiB; past it a job is refused with "
                    + "429 (env MAGS_MAX_MEMORY_PER_USER_MB, default: the host's memory; 0 for no limit).")
    Long maxMemoryPerUserMb;

    @Option(names = "--max-cpus-per-user", defaultValue = "${env:MAGS_MAX_CPUS_PER_USER}",
            description = "The CPU limits of one user's live sandboxes, summed, cores; past it a job is refused with "
                    + "429 (env MAGS_MAX_CPUS_PER_USER, default: eight times the host's cores; 0 for no limit).")
    Double maxCpusPerUser;

    @Option(names = "--disk-reserve-gb", defaultValue = "${env:MAGS_DISK_RESERVE_GB:-4}",
            description = "Free space of the data dir's file system, GiB, that sandbox disks are never promised; a job "
                    + "whose disk does not fit beside what live disks may still take is refused with 507 (env "
                    + "MAGS_DISK_RESERVE_GB, default ${DEFAULT-VALUE}).")
    long diskReserveGb;

    @Option(names = "--disk-overcommit", defaultValue = "${env:MAGS_DISK_OVERCOMMIT:-1}",
            description = "How many times the free space above the reserve the sparse sandbox disks may be promised "
                    + "(env MAGS_DISK_OVERCOMMIT, default ${DEFAULT-VALUE}: no more than there is).")
    double diskOvercommit;

    @Option(names = "--workspace-idle-timeout", defaultValue = "${env:MAGS_WORKSPACE_IDLE_TIMEOUT:-600}",
            description = "A local workspace (mags run -w NAME) no job has used for this many seconds is removed "
                    + "(default ${DEFAULT-VALUE}).")
    long workspaceIdleTimeoutSeconds;

    @Option(names = "--max-job-timeout", defaultValue = "${env:MAGS_MAX_JOB_TIMEOUT:-86400}",
            description = "Longest a job may run, in seconds; also the default timeout (default ${DEFAULT-VALUE}).")
    long maxJobTimeoutSeconds;

    @Option(names = "--max-output-mb-per-job", defaultValue = "${env:MAGS_MAX_OUTPUT_MB_PER_JOB:-16}",
            description = "Output kept of one job, MiB (env MAGS_MAX_OUTPUT_MB_PER_JOB, default ${DEFAULT-VALUE}); "
                    + "past it lines are dropped after an 'output truncated' notice.")
    long maxOutputMbPerJob;

    @Option(names = "--max-output-mb-per-user", defaultValue = "${env:MAGS_MAX_OUTPUT_MB_PER_USER:-1024}",
            description = "Output kept of one user's finished jobs, MiB (env MAGS_MAX_OUTPUT_MB_PER_USER, default "
                    + "${DEFAULT-VALUE}); past it the output of the user's jobs that ended first is removed.")
    long maxOutputMbPerUser;

    @Option(names = "--max-output-mb", defaultValue = "${env:MAGS_MAX_OUTPUT_MB:-4096}",
            description = "Output kept of all jobs on this server, MiB (env MAGS_MAX_OUTPUT_MB, default "
                    + "${DEFAULT-VALUE}); past it the output of the jobs that ended first is removed.")
    long maxOutputMb;

    @Option(names = "--job-retention", defaultValue = "${env:MAGS_JOB_RETENTION:-30d}",
            description = "A finished job is deleted with its output this long after it ended: a number with s, m, h "
                    + "or d (env MAGS_JOB_RETENTION, default ${DEFAULT-VALUE}).")
    String jobRetention;

    @Option(names = "--retention-interval", defaultValue = "${env:MAGS_RETENTION_INTERVAL:-60}",
            description = "How often the output limits and the job retention are enforced, in seconds "
                    + "(env MAGS_RETENTION_INTERVAL, default ${DEFAULT-VALUE}).")
    long retentionIntervalSeconds;

    @Option(names = "--max-upload-mb", defaultValue = "${env:MAGS_MAX_UPLOAD_MB:-100}",
            description = "Largest uploaded file (POST /api/v1/mags-files, mags run -f), MiB (env MAGS_MAX_UPLOAD_MB, "
                    + "default ${DEFAULT-VALUE}); a larger one is refused with 413.")
    long maxUploadMb;

    @Option(names = "--max-file-storage-mb", defaultValue = "${env:MAGS_MAX_FILE_STORAGE_MB:-1024}",
            description = "Uploaded files one user may keep, MiB (env MAGS_MAX_FILE_STORAGE_MB, default ${DEFAULT-VALUE}).")
    long maxFileStorageMb;

    @Option(names = "--file-retention", defaultValue = "${env:MAGS_FILE_RETENTION:-24h}",
            description = "An uploaded file is removed this long after its upload or the last job that used it: a "
                    + "number with s, m, h or d (env MAGS_FILE_RETENTION, default ${DEFAULT-VALUE}).")
    String fileRetention;

    @Option(names = "--metrics-token-file", defaultValue = "${env:MAGS_METRICS_TOKEN_FILE}",
            description = "File holding a token (16 or more characters) that lets remote scrapers read GET /metrics with "
                    + "'Authorization: Bearer <token>' (env MAGS_METRICS_TOKEN_FILE). Without it only loopback callers "
                    + "may read /metrics. A file, not a flag, so that the token does not show in the process list.")
    Path metricsTokenFile;

    AppsConfig appsConfig() {
        if (appsStartWaitSeconds < 0 || appsMaxBodyMb < 1 || appsMaxConnections < 1) {
            throw new IllegalArgumentException("--apps-start-wait must be 0 or more, --apps-max-body-mb and "
                    + "--apps-max-connections at least 1");
        }
        HostPort own = appsListen == null || appsListen.isBlank() ? null : HostPort.parse("--apps-listen", appsListen);
        if ((appsTlsCert == null) != (appsTlsKey == null)) {
            throw new IllegalArgumentException("--apps-tls-cert and --apps-tls-key go together: give both, or neither");
        }
        AppsTls tls = appsTlsCert == null ? null : new AppsTls(appsTlsCert, appsTlsKey);
        return new AppsConfig(appsDomain, appsUrlTemplate == null || appsUrlTemplate.isBlank() ? null : appsUrlTemplate,
                own == null ? null : own.host(), own == null ? 0 : own.port(), Duration.ofSeconds(appsStartWaitSeconds),
                appsMaxBodyMb << 20, appsMaxConnections, tls);
    }

    AdmissionPolicy admissionPolicy() {
        if (maxSandboxesPerUser < 0 || (maxMemoryPerUserMb != null && maxMemoryPerUserMb < 0)
                || (maxCpusPerUser != null && maxCpusPerUser < 0)) {
            throw new IllegalArgumentException("--max-sandboxes-per-user, --max-memory-per-user-mb and --max-cpus-per-user "
                    + "must be 0 (no limit) or more");
        }
        if (diskReserveGb < 0) {
            throw new IllegalArgumentException("--disk-reserve-gb must be 0 or more");
        }
        if (!(diskOvercommit > 0)) {
            throw new IllegalArgumentException("--disk-overcommit must be more than 0 (1 promises no more than there is)");
        }
        AdmissionPolicy host = AdmissionPolicy.standard();
        return new AdmissionPolicy(maxSandboxesPerUser,
                maxMemoryPerUserMb == null ? host.maxMemoryBytesPerUser() : maxMemoryPerUserMb * SandboxLimits.MIB,
                maxCpusPerUser == null ? host.maxCpuMillisPerUser() : Math.round(maxCpusPerUser * 1000),
                diskReserveGb * SandboxLimits.GIB, diskOvercommit);
    }

    OutputPolicy outputPolicy() {
        if (maxOutputMbPerJob < 1 || maxOutputMbPerUser < maxOutputMbPerJob || maxOutputMb < maxOutputMbPerUser) {
            throw new IllegalArgumentException("output limits must be at least 1 MiB and --max-output-mb-per-job ("
                    + maxOutputMbPerJob + ") <= --max-output-mb-per-user (" + maxOutputMbPerUser + ") <= --max-output-mb ("
                    + maxOutputMb + ")");
        }
        if (retentionIntervalSeconds < 1) {
            throw new IllegalArgumentException("--retention-interval must be at least 1 second");
        }
        return new OutputPolicy(maxOutputMbPerJob * OutputPolicy.MIB, maxOutputMbPerUser * OutputPolicy.MIB,
                maxOutputMb * OutputPolicy.MIB, DurationOption.parse("--job-retention", jobRetention),
                Duration.ofSeconds(retentionIntervalSeconds));
    }

    FileLimits fileLimits() {
        if (maxUploadMb < 1 || maxFileStorageMb < maxUploadMb) {
            throw new IllegalArgumentException("--max-upload-mb must be at least 1 and at most --max-file-storage-mb (got "
                    + maxUploadMb + " and " + maxFileStorageMb + ")");
        }
        FileLimits d = FileLimits.DEFAULT;
        return new FileLimits(maxUploadMb << 20, maxFileStorageMb << 20, d.maxFilesPerUpload(), d.concurrentUploads(),
                DurationOption.parse("--file-retention", fileRetention));
    }
}
