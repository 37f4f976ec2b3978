package dev.mags.controlplane.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mags.api.ApiError;
import dev.mags.api.ApiPaths;
import dev.mags.api.WhoAmI;
import dev.mags.controlplane.auth.TokenService;
import dev.mags.controlplane.auth.Tokens;
import dev.mags.controlplane.auth.Users;
import dev.mags.controlplane.metrics.Metrics;
import dev.mags.controlplane.files.UploadedFiles;
import dev.mags.controlplane.apps.AppProxy;
import dev.mags.controlplane.apps.AppUrls;
import dev.mags.controlplane.usage.UsageService;
import dev.mags.controlplane.config.ControlPlaneConfig;
import dev.mags.controlplane.cron.CronService;
import dev.mags.controlplane.exec.ExecRequests;
import dev.mags.controlplane.exec.ExecSessions;
import dev.mags.controlplane.ssh.SshAccess;
import dev.mags.controlplane.ssh.SshKeys;
import dev.mags.controlplane.job.JobService;
import dev.mags.controlplane.workspace.WorkspaceService;
import dev.mags.controlplane.job.OutputRegistry;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.util.StatusCodes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.xnio.OptionMap;

/**
 * The REST API on Undertow: routes, authentication, the one error mapper, and the request checks that
 * run before any route (folded or repeated headers).
 */
public final class ApiServer implements AutoCloseable {
    /** JSON bodies are small; file uploads will get their own limit. */
    private static final long MAX_JSON_BODY = 1024 * 1024;

    private final List<Route> routes;
    private final RoutingHandler router;
    private final ObjectMapper json;
    private final long maxBody;
    private final ControlPlaneConfig config;
    private final GracefulShutdownHandler shutdown;
    private HttpListener listener;
    private HttpListener appsListener;
    private final GracefulShutdownHandler appsShutdown;
    private final AppProxy apps;
    private final javax.net.ssl.SSLContext appsTls;
    private final AppUrls appUrls;
    private final EventStreamRoute events;
    /** Threads of the exec routes, one per exec for as long as it runs (their number is bounded per user). */
    private final ExecutorService execThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("mags-exec-", 0).daemon().factory());

    public ApiServer(ControlPlaneConfig config, TokenService tokens, JobService jobs, WorkspaceService workspaces,
            OutputRegistry outputs, Supplier<Health> health, SshKeys sshKeys, SshAccess sshAccess, UploadedFiles files,
            Tokens ownTokens, Users users, Metrics metrics, CronService cron, ExecSessions execs, AppUrls appUrls,
            AppProxy apps, UsageService usage) {
        ObjectMapper json = Json.mapper();
        this.json = json;
        JobRoutes jobRoutes = new JobRoutes(jobs, json);
        WorkspaceRoutes workspaceRoutes = new WorkspaceRoutes(workspaces, json);
        SshRoutes sshRoutes = new SshRoutes(sshKeys, sshAccess, json);
        AppRoutes appRoutes = new AppRoutes(appUrls, sshRoutes, json);
        FileRoutes fileRoutes = new FileRoutes(files, json);
        CronRoutes cronRoutes = new CronRoutes(cron, json);
        ExecRequests execRequests = new ExecRequests(execs.limits().maxTimeout());
        ExecRoutes execRoutes = new ExecRoutes(execs, execRequests, json);
        ExecSocketRoute execSocket = new ExecSocketRoute(execs, execRequests, json);
        this.events = new EventStreamRoute(jobs, outputs, json);
        Authenticator auth = new Authenticator(tokens, json);
        AccountRoutes accounts = new AccountRoutes(ownTokens, users, json);
        MetricsRoute metricsRoute = new MetricsRoute(metrics, config.metrics(), json);

        this.routes = List.of(
                new Route("GET", ApiPaths.HEALTH, blocking(json, ex -> health(ex, json, health.get()))),
                new Route("GET", ApiPaths.ME, auth.blocking((ex, who) -> Exchanges.sendJson(ex, json, StatusCodes.OK,
                        new WhoAmI(who.userName(), who.admin(), who.tokenPrefix())))),
                new Route("POST", ApiPaths.JOBS, auth.blocking(jobRoutes::submit)),
                new Route("GET", ApiPaths.JOBS, auth.blocking(jobRoutes::list)),
                new Route("PATCH", ApiPaths.JOBS + "/{id}", auth.blocking(jobRoutes::update)),
                new Route("GET", ApiPaths.JOBS + "/{id}/status", auth.blocking(jobRoutes::status)),
                new Route("GET", ApiPaths.JOBS + "/{id}/logs", auth.blocking(jobRoutes::logs)),
                new Route("GET", ApiPaths.JOBS + "/{id}/events", auth.blocking(events::handle)),
                new Route("POST", ApiPaths.JOBS + "/{id}/stop", auth.blocking(jobRoutes::stop)),
                new Route("POST", ApiPaths.JOBS + "/{id}/sync", auth.blocking(jobRoutes::sync)),
                new Route("POST", ApiPaths.JOBS + "/{id}/access", auth.blocking(appRoutes::access)),
                new Route("POST", ApiPaths.JOBS + "/{id}/exec", auth.ownThread(execRoutes::post, execThreads)),
                new Route("GET", ApiPaths.JOBS + "/{id}/exec", auth.ownThread(execSocket::upgrade, execThreads)),
                new Route("GET", ApiPaths.WORKSPACES, auth.blocking(workspaceRoutes::list)),
                new Route("GET", ApiPaths.WORKSPACES + "/{name}", auth.blocking(workspaceRoutes::show)),
                new Route("POST", ApiPaths.WORKSPACES + "/{name}/resize", auth.blocking(workspaceRoutes::resize)),
                new Route("DELETE", ApiPaths.WORKSPACES + "/{name}", auth.blocking(workspaceRoutes::delete)),
                new Route("GET", ApiPaths.SSH_KEYS, auth.blocking(sshRoutes::list)),
                new Route("POST", ApiPaths.SSH_KEYS, auth.blocking(sshRoutes::add)),
                new Route("DELETE", ApiPaths.SSH_KEYS + "/{id}", auth.blocking(sshRoutes::delete)),
                new Route("POST", ApiPaths.FILES, auth.blocking(fileRoutes::upload)),
                new Route("GET", ApiPaths.FILES, auth.blocking(fileRoutes::list)),
                new Route("DELETE", ApiPaths.FILES + "/{id}", auth.blocking(fileRoutes::delete)),
                new Route("GET", ApiPaths.TOKENS, auth.blocking(accounts::listTokens)),
                new Route("POST", ApiPaths.TOKENS, auth.blocking(accounts::createToken)),
                new Route("DELETE", ApiPaths.TOKENS + "/{id}", auth.blocking(accounts::revokeToken)),
                new Route("GET", ApiPaths.USERS, auth.blocking(accounts::listUsers)),
                new Route("POST", ApiPaths.USERS, auth.blocking(accounts::createUser)),
                new Route("POST", ApiPaths.USERS + "/{name}/disable", auth.blocking(accounts::disableUser)),
                new Route("POST", ApiPaths.USERS + "/{name}/enable", auth.blocking(accounts::enableUser)),
                new Route("GET", ApiPaths.METRICS, blocking(json, metricsRoute::handle)),
                new Route("GET", ApiPaths.SERVER_STATS, auth.blocking(metricsRoute::serverStats)),
                new Route("POST", ApiPaths.CRON, auth.blocking(cronRoutes::create)),
                new Route("GET", ApiPaths.CRON, auth.blocking(cronRoutes::list)),
                new Route("GET", ApiPaths.CRON + "/{id}", auth.blocking(cronRoutes::get)),
                new Route("PATCH", ApiPaths.CRON + "/{id}", auth.blocking(cronRoutes::update)),
                new Route("DELETE", ApiPaths.CRON + "/{id}", auth.blocking(cronRoutes::delete)),
                new Route("POST", ApiPaths.URL_ALIASES, auth.blocking(appRoutes::createAlias)),
                new Route("GET", ApiPaths.URL_ALIASES, auth.blocking(appRoutes::listAliases)),
                new Route("DELETE", ApiPaths.URL_ALIASES + "/{subdomain}", auth.blocking(appRoutes::deleteAlias)),
                new Route("GET", ApiPaths.USAGE, auth.blocking((ex, who) -> Exchanges.sendJson(ex, json, StatusCodes.OK,
                        usage.usage(who.userId(), intParam(ex, "window_days"))))));
        RoutingHandler router = new RoutingHandler();
        this.router = router;
        router.setFallbackHandler(metricsRoute.timed("*", "unmatched", ex -> Exchanges.sendJson(ex, json,
                        StatusCodes.NOT_FOUND, ApiError.of("not_found", "no route for " + ex.getRequestMethod() + " "
                                + ex.getRequestPath()))))
                .setInvalidMethodHandler(ex -> Exchanges.sendJson(ex, json, StatusCodes.METHOD_NOT_ALLOWED,
                        ApiError.of("method_not_allowed", ex.getRequestMethod() + " is not allowed on "
                                + ex.getRequestPath())));
        for (Route r : routes) {
            router.add(r.method(), r.template(), metricsRoute.timed(r.method(), r.template(), r.handler()));
        }
        new DashboardRoutes().addTo(router); // pages, not API: outside the routes the OpenAPI file lists
        this.config = config;
        this.apps = apps;
        this.appUrls = appUrls;
        this.maxBody = Math.max(MAX_JSON_BODY, files.limits().maxBodyBytes());
        HttpHandler bounded = ex -> {
            if (!(ex.getRequestMethod().equalToString("POST") && ex.getRequestPath().equals(ApiPaths.FILES))) {
                ex.setMaxEntitySize(MAX_JSON_BODY);
            }
            router.handleRequest(ex);
        };
        HttpHandler api = new MethodOverride(bounded);
        // Public URLs share this listener unless they have their own: a Host under the apps domain is theirs.
        HttpHandler root = config.apps().ownListener() ? api : ex -> (apps.serves(ex) ? apps : api).handleRequest(ex);
        this.shutdown = new GracefulShutdownHandler(new ErrorMapper(new RequestChecks(root), json));
        this.appsShutdown = new GracefulShutdownHandler(new ErrorMapper(new RequestChecks(apps), json));
        // Read now: a certificate that cannot be used stops magsd before it listens, saying why.
        this.appsTls = config.apps().tls() == null ? null : config.apps().tls().context();
    }

    /** A query parameter that must be an integer when given; null when absent. */
    private static Integer intParam(HttpServerExchange ex, String name) {
        var values = ex.getQueryParameters().get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(values.getFirst());
        } catch (NumberFormatException e) {
            throw new dev.mags.controlplane.error.BadRequestException("invalid_field", "'" + name + "' must be a whole "
                    + "number (got '" + values.getFirst() + "')");
        }
    }

    private static HttpHandler blocking(ObjectMapper json, HttpHandler h) {
        return new BlockingHandler(new ErrorMapper(h, json));
    }

    private static void health(HttpServerExchange ex, ObjectMapper json, Health h) {
        if (h.ready()) {
            Exchanges.sendJson(ex, json, StatusCodes.OK, Map.of("status", "ok", "default_image", h.defaultImage()));
        } else {
            Exchanges.sendJson(ex, json, StatusCodes.SERVICE_UNAVAILABLE, ApiError.of("not_ready", h.problem()));
        }
    }

    /**
     * Adds a route that is no part of the public API (the OpenAPI file does not list it, nor {@link
     * #routeSignatures()}): the agents' heartbeats of a cluster. On a blocking worker, its errors through the one
     * error mapper. Only before {@link #start()}.
     */
    public synchronized void addInternalRoute(String method, String template, HttpHandler handler) {
        if (listener != null) {
            throw new IllegalStateException("routes are added before the API listens");
        }
        router.add(method, template, blocking(json, handler));
    }

    /** Method and path template of every route, as the OpenAPI file must list them. */
    public List<String> routeSignatures() {
        return routes.stream().map(r -> r.method() + " " + r.template()).toList();
    }

    private record Route(String method, String template, HttpHandler handler) {}

    public synchronized void start() {
        listener = HttpListener.start(config.listenHost(), config.listenPort(), shutdown, OptionMap.builder()
                // The listener's limit is the uploads' (Undertow sets up a chunked body's limit before any handler
                // runs); every other request is held to MAX_JSON_BODY by the handler above (a Content-Length) and
                // by Exchanges.readJson (a chunked body).
                .set(UndertowOptions.MAX_ENTITY_SIZE, config.apps().ownListener() ? maxBody
                        : Math.max(maxBody, config.apps().maxBodyBytes()))
                .set(UndertowOptions.ENABLE_STATISTICS, false)
                .getMap());
        if (config.apps().ownListener()) {
            appsListener = HttpListener.start(config.apps().listenHost(), config.apps().listenPort(), appsShutdown,
                    OptionMap.builder()
                            .set(UndertowOptions.MAX_ENTITY_SIZE, config.apps().maxBodyBytes())
                            .set(UndertowOptions.ENABLE_STATISTICS, false)
                            .getMap(), appsTls);
            appUrls.listening(appsListener.port());
        } else {
            appUrls.listening(listener.port());
        }
    }

    /** The port public URLs are served on: their own listener's, or the API's. */
    public synchronized int appsPort() {
        return appsListener != null ? appsListener.port() : listener.port();
    }

    /** The port actually bound (useful when configured as 0). */
    public synchronized int port() {
        return listener.port();
    }

    /** Stops taking requests, lets running ones finish for a moment, then closes. */
    @Override
    public void close() {
        shutdown.shutdown();
        appsShutdown.shutdown();
        try {
            shutdown.awaitShutdown(2000);
            appsShutdown.awaitShutdown(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (listener != null) {
                listener.close();
            }
            if (appsListener != null) {
                appsListener.close();
            }
        }
        apps.close();
        events.close();
        execThreads.shutdown();
    }

    /** What {@code /healthz} reports. */
    public record Health(boolean ready, String defaultImage, String problem) {
        /** Ready unless {@code problem} names why jobs of the default image cannot start. */
        public static Health of(String defaultImage, java.util.Optional<String> problem) {
            return new Health(problem.isEmpty(), defaultImage, problem.orElse(null));
        }
    }
}
