package dev.mags.controlplane.apps;

import dev.mags.api.AccessInfo;
import dev.mags.api.JobStatus;
import dev.mags.api.UrlAlias;
import dev.mags.api.UrlAliasList;
import dev.mags.api.UrlAliasRequest;
import dev.mags.controlplane.error.BadRequestException;
import dev.mags.controlplane.error.ConflictException;
import dev.mags.controlplane.error.NotFoundException;
import dev.mags.controlplane.error.UnavailableException;
import dev.mags.controlplane.state.AppRoute;
import dev.mags.controlplane.state.AppRouteStore;
import dev.mags.controlplane.state.JobRecord;
import dev.mags.controlplane.state.JobStore;
import java.time.Clock;
import java.util.Optional;

/**
 * Public URLs and their aliases: which subdomain serves which job's port ({@code POST /mags-jobs/{id}/access}),
 * stable aliases of a workspace, and, for the proxy, what a subdomain serves now.
 */
public final class AppUrls {
    /** The port an alias serves when the workspace's job has no URL of its own (the reference's default). */
    public static final int DEFAULT_PORT = 8080;
    private static final int GENERATE_ATTEMPTS = 5;

    private final AppRouteStore routes;
    private final JobStore jobs;
    private final AppsConfig config;
    private final Clock clock;
    private final Subdomains subdomains = new Subdomains();
    /** The port of the listener that serves the apps, once it listens; 0 before (no URL can be answered). */
    private volatile int listenerPort;

    public AppUrls(AppRouteStore routes, JobStore jobs, AppsConfig config, Clock clock) {
        this.routes = routes;
        this.jobs = jobs;
        this.config = config;
        this.clock = clock;
    }

    /** Called once the apps' listener (the API's, or their own) listens. */
    public void listening(int port) {
        this.listenerPort = port;
    }

    public AppsConfig config() {
        return config;
    }

    /** The URL of a job's port; asking again for the same job and port answers the same URL. */
    public AccessInfo enable(String userId, String idOrName, int port) {
        if (port < 1 || port > 65535) {
            throw new BadRequestException("invalid_field", "'port' must be between 1 and 65535 (got " + port + ")");
        }
        JobRecord job = jobs.findByIdOrName(userId, idOrName)
                .orElseThrow(() -> new NotFoundException("no job or workspace named '" + idOrName + "'"));
        if (job.status().isFinal()) {
            String ws = job.workspaceId() == null ? "NAME" : job.workspaceId();
            throw new ConflictException("sandbox_not_running", "job " + job.id() + " has ended (" + job.status().wireName()
                    + "); start it again with: mags run -w " + ws + " -p --url --port " + port + " 'SCRIPT'");
        }
        AppRoute route = routes.forJob(job.id(), port).orElseGet(() -> addJobRoute(userId, job.id(), port));
        return AccessInfo.url(url(route.subdomain()), port, route.subdomain());
    }

    private AppRoute addJobRoute(String userId, String jobId, int port) {
        for (int i = 0; i < GENERATE_ATTEMPTS; i++) {
            AppRoute r = new AppRoute(subdomains.generate(), userId, AppRoute.Kind.JOB, jobId, null, port,
                    clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            if (routes.insert(r)) {
                return r;
            }
            Optional<AppRoute> raced = routes.forJob(jobId, port); // another request made it meanwhile
            if (raced.isPresent()) {
                return raced.get();
            }
        }
        throw new IllegalStateException("no free subdomain after " + GENERATE_ATTEMPTS + " attempts");
    }

    public UrlAlias createAlias(String userId, UrlAliasRequest request) {
        String sub = Subdomains.checkedAlias(request.subdomain());
        if (request.domain() != null && !request.domain().isBlank()
                && !request.domain().equalsIgnoreCase(config.domain())) {
            throw new BadRequestException("invalid_field", "this server serves aliases under '" + config.domain()
                    + "' only; leave 'domain' out");
        }
        String ws = request.workspaceId();
        if (ws == null || ws.isBlank()) {
            throw new BadRequestException("invalid_field", "'workspace_id' is required: the workspace (or job name) the "
                    + "alias serves");
        }
        if (jobs.findByName(userId, ws).isEmpty()) {
            throw new NotFoundException("no job or workspace named '" + ws + "'; run something in it first, e.g. "
                    + "mags run -w " + ws + " -p --url 'SCRIPT'");
        }
        AppRoute alias = new AppRoute(sub, userId, AppRoute.Kind.ALIAS, null, ws, null,
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        if (!routes.insert(alias)) {
            throw new ConflictException("subdomain_taken", "the subdomain '" + sub + "' is taken; choose another");
        }
        return view(alias);
    }

    public UrlAliasList aliases(String userId) {
        return new UrlAliasList(routes.aliases(userId).stream().map(this::view).toList());
    }

    public void deleteAlias(String userId, String subdomain) {
        String sub = subdomain == null ? "" : subdomain.toLowerCase(java.util.Locale.ROOT);
        if (!routes.deleteAlias(userId, sub)) {
            throw new NotFoundException("you have no URL alias '" + subdomain + "'");
        }
        targets.remove(sub); // gone at once, not a second later
    }

    private UrlAlias view(AppRoute alias) {
        return new UrlAlias(alias.subdomain(), alias.workspaceId(), url(alias.subdomain()), alias.createdAt());
    }

    /** The URL of a subdomain as visitors reach it. */
    public String url(String subdomain) {
        if (config.urlTemplate() != null) {
            return config.urlTemplate().replace("{sub}", subdomain);
        }
        int port = listenerPort;
        if (port == 0) {
            throw new UnavailableException("urls_unavailable", "the public URLs' listener is not open yet; try again");
        }
        boolean tls = config.tls() != null;
        return (tls ? "https://" : "http://") + subdomain + "." + config.domain() + (port == (tls ? 443 : 80) ? "" : ":" + port);
    }

    /**
     * What a subdomain serves: a job (an alias's newest) and its port; empty for a subdomain nobody has. A live
     * job found is kept for {@link #TARGET_TTL}, so that a busy URL does not read the store for every request;
     * whoever finds that job without a sandbox asks {@link #fresh} (so does anyone about to answer "nothing here"
     * or "ended", which are never kept).
     */
    public Optional<Target> target(String subdomain) {
        Optional<Target> kept = kept(subdomain);
        return kept.isPresent() ? kept : fresh(subdomain);
    }

    /** What a subdomain serves as kept from a recent lookup, without reading the store; empty when nothing is kept. */
    public Optional<Target> kept(String subdomain) {
        Cached c = targets.get(subdomain);
        return c != null && System.nanoTime() - c.at() < TARGET_TTL.toNanos() ? Optional.of(c.target()) : Optional.empty();
    }

    /** What a subdomain serves, read from the store now. */
    public Optional<Target> fresh(String subdomain) {
        Optional<Target> found = lookUp(subdomain);
        if (found.isPresent() && !found.get().ended()) {
            if (targets.size() >= MAX_CACHED) {
                targets.clear();
            }
            targets.put(subdomain, new Cached(found.get(), System.nanoTime()));
        } else {
            targets.remove(subdomain);
        }
        return found;
    }

    static final java.time.Duration TARGET_TTL = java.time.Duration.ofSeconds(1);
    private static final int MAX_CACHED = 10_000;

    private record Cached(Target target, long at) {}

    private final java.util.Map<String, Cached> targets = new java.util.concurrent.ConcurrentHashMap<>();

    private Optional<Target> lookUp(String subdomain) {
        Optional<AppRoute> found = routes.find(subdomain);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        AppRoute r = found.get();
        if (r.kind() == AppRoute.Kind.JOB) {
            return jobs.find(r.userId(), r.jobId()).map(job -> new Target(r.subdomain(), job, r.port()));
        }
        return jobs.findByName(r.userId(), r.workspaceId()).map(job -> new Target(r.subdomain(), job,
                routes.firstOfJob(job.id()).map(AppRoute::port).orElse(DEFAULT_PORT)));
    }

    /** A subdomain's job and port. */
    public record Target(String subdomain, JobRecord job, int port) {
        public boolean ended() {
            return job.status().isFinal();
        }

        public boolean pending() {
            return job.status() == JobStatus.PENDING;
        }
    }
}
